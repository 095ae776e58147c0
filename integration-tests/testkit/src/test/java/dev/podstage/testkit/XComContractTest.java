package dev.podstage.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract checker itself: it accepts the stages' documented example values (docs/xcom.md,
 * taken from real runs) and rejects a value with a missing required key, a wrong type or an
 * unknown key, naming the stage, the schema file and each violation. The stage ITs then apply it
 * to every XCom value they read ({@link StageProcess.Result#xcom()}).
 */
class XComContractTest {

    static final List<String> STAGES = List.of("ingest", "preprocess", "embed", "infer", "store", "evaluate");

    /** The first example value of each stage in docs/xcom.md (a ```json block with a "stage"). */
    static Map<String, ObjectNode> examples() throws IOException {
        Path doc = XComContract.schemaDir().getParent().resolve("xcom.md");
        Matcher block = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(doc));
        Map<String, ObjectNode> examples = new LinkedHashMap<>();
        while (block.find()) {
            JsonNode value = JsonLines.MAPPER.readTree(block.group(1));
            if (value instanceof ObjectNode object && object.path("stage").isTextual()) {
                examples.putIfAbsent(object.path("stage").textValue(), object);
            }
        }
        return examples;
    }

    static ObjectNode example(String stage) throws IOException {
        ObjectNode example = examples().get(stage);
        assertThat(example)
                .as("an example XCom value of %s in docs/xcom.md", stage)
                .isNotNull();
        return example.deepCopy();
    }

    @Test
    void everyStageHasASchemaAndItsDocumentedExampleConforms() throws IOException {
        Map<String, ObjectNode> examples = examples();
        assertThat(examples.keySet()).containsExactlyInAnyOrderElementsOf(STAGES);
        for (String stage : STAGES) {
            assertThat(XComContract.schemaFile(stage)).isRegularFile();
            assertThat(XComContract.violations(stage, examples.get(stage)))
                    .as("docs/xcom.md's %s example", stage)
                    .isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "evaluate", "infer", "store"})
    void aMissingRequiredKeyIsAViolation(String stage) throws IOException {
        ObjectNode value = example(stage);
        value.remove("job_key");
        ((ObjectNode) value.get("metrics")).remove("duration_ms");
        assertThat(XComContract.violations(stage, value))
                .hasSize(2)
                .anySatisfy(v -> assertThat(v).contains("job_key").contains("required"))
                .anySatisfy(v -> assertThat(v)
                        .contains("metrics")
                        .contains("duration_ms")
                        .contains("required"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "evaluate", "infer", "store"})
    void aWrongTypeIsAViolation(String stage) throws IOException {
        ObjectNode value = example(stage);
        value.put("records_in", "12");
        assertThat(XComContract.violations(stage, value))
                .singleElement()
                .asString()
                .contains("$.records_in")
                .contains("string found, integer expected");
    }

    @Test
    void stageSpecificTypesAreChecked() throws IOException {
        ObjectNode ingest = example("ingest");
        ingest.put("shards", ingest.get("shards").get(0).asText()); // one URI instead of the list .expand() needs
        assertThat(XComContract.violations("ingest", ingest))
                .singleElement()
                .asString()
                .contains("$.shards")
                .contains("array expected");

        ObjectNode evaluate = example("evaluate");
        ((ObjectNode) evaluate.get("variant_a")).put("records", 1.5);
        evaluate.put("verdict", "draw");
        evaluate.putNull("winner");
        evaluate.putNull("decided_by");
        assertThat(XComContract.violations("evaluate", evaluate))
                .hasSize(2)
                .anySatisfy(v -> assertThat(v).contains("$.variant_a.records").contains("integer expected"))
                .anySatisfy(v -> assertThat(v).contains("$.verdict").contains("enum"));

        ObjectNode infer = example("infer");
        ((ObjectNode) infer.get("metrics")).put("cost_usd", -0.5);
        assertThat(XComContract.violations("infer", infer))
                .singleElement()
                .asString()
                .contains("$.metrics.cost_usd");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "evaluate", "preprocess", "embed"})
    void anUnknownKeyIsAViolation(String stage) throws IOException {
        ObjectNode value = example(stage);
        value.putObject("variants"); // what a user might guess for evaluate's variant_a / variant_b
        ((ObjectNode) value.get("metrics")).put("surprise_ms", 1);
        assertThat(XComContract.violations(stage, value))
                .hasSize(2)
                .anySatisfy(v -> assertThat(v).contains("variants").contains("not defined in the schema"))
                .anySatisfy(v -> assertThat(v).contains("$.metrics").contains("surprise_ms"));
    }

    @Test
    void theStatusIsSuccessOrAlreadyDone() throws IOException {
        ObjectNode value = example("store");
        value.put("status", "already_done");
        assertThat(XComContract.violations("store", value)).isEmpty();
        value.put("status", "failed");
        assertThat(XComContract.violations("store", value))
                .singleElement()
                .asString()
                .contains("$.status");
    }

    @Test
    void rejectsUriIsThereExactlyWhenThereAreRejects() throws IOException {
        ObjectNode value = example("preprocess");
        value.put("rejects", 0);
        value.remove("rejects_uri");
        assertThat(XComContract.violations("preprocess", value)).isEmpty();
        value.put("rejects", 3);
        assertThat(XComContract.violations("preprocess", value))
                .anySatisfy(v -> assertThat(v).contains("rejects_uri"));
        value.put("rejects", 0);
        value.put("rejects_uri", "file:///data/chunks.jsonl.rejects.jsonl");
        assertThat(XComContract.violations("preprocess", value)).isNotEmpty();
    }

    @Test
    void aWinnerNamesTheVariantAndTheCriterionAndOnlyAWinnerDoes() throws IOException {
        ObjectNode value = example("evaluate");
        value.put("verdict", "winner");
        value.put("winner", "b");
        value.put("decided_by", "cost");
        assertThat(XComContract.violations("evaluate", value)).isEmpty();
        value.putNull("winner");
        assertThat(XComContract.violations("evaluate", value)).isNotEmpty();
        value.put("verdict", "tie");
        assertThat(XComContract.violations("evaluate", value)).isNotEmpty(); // decided_by without a winner
        value.putNull("decided_by");
        assertThat(XComContract.violations("evaluate", value)).isEmpty();
        value.put("decided_by", "speed");
        assertThat(XComContract.violations("evaluate", value)).isNotEmpty();
    }

    @Test
    void checkThrowsAnAssertionErrorNamingStageFileAndEachViolation() throws IOException {
        ObjectNode value = example("evaluate");
        value.remove("report_uri");
        value.set("variants", value.get("variant_a"));
        assertThatThrownBy(() -> XComContract.check(value, Path.of("/work/xcom/return.json")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("stage 'evaluate'")
                .hasMessageContaining(XComContract.schemaFile("evaluate").toString())
                .hasMessageContaining("/work/xcom/return.json")
                .hasMessageContaining("2 violation(s)")
                .hasMessageContaining("report_uri")
                .hasMessageContaining("variants");
        assertThat(value.get("stage")).isEqualTo(new TextNode("evaluate"));
        XComContract.check(example("evaluate"), "a valid value"); // no error
    }

    @Test
    void aStageWithoutSchemaOrAValueWithoutStageFailsClearly() throws IOException {
        ObjectNode value = example("ingest");
        value.put("stage", "rerank");
        assertThatThrownBy(() -> XComContract.check(value, "test"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no schema for stage 'rerank'")
                .hasMessageContaining("rerank.xcom.json");
        value.remove("stage");
        assertThatThrownBy(() -> XComContract.check(value, "test"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no usable \"stage\"");
    }

    /** Every property of every schema says what it is (directly or in the definition it refers to); refs stay local. */
    @Test
    void everyPropertyHasADescriptionAndEveryRefIsLocal() throws IOException {
        Map<String, JsonNode> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(XComContract.schemaDir())) {
            for (Path file : list.filter(f -> f.toString().endsWith(".xcom.json"))
                    .sorted()
                    .toList()) {
                files.put(file.getFileName().toString(), JsonLines.MAPPER.readTree(file.toFile()));
            }
        }
        assertThat(files).containsKey("common.xcom.json");
        List<String> problems = new ArrayList<>();
        files.forEach((name, schema) -> walk(name, "", schema, files, problems));
        assertThat(problems).isEmpty();
    }

    private static void walk(
            String file, String at, JsonNode node, Map<String, JsonNode> files, List<String> problems) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(file, at + "/" + i, node.get(i), files, problems);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        JsonNode ref = node.get("$ref");
        if (ref != null && !ref.asText().matches("(common\\.xcom\\.json)?#/\\$defs/[a-z_]+")) {
            problems.add(
                    file + at + ": $ref " + ref + " is neither a local #/$defs/... nor common.xcom.json#/$defs/...");
        }
        JsonNode properties = node.get("properties");
        if (properties != null && properties.isObject() && !at.endsWith("/if")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                if (!described(file, property.getValue(), files)) {
                    problems.add(file + at + "/properties/" + property.getKey() + ": no description");
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!List.of("if", "then", "else").contains(field.getKey())) { // conditions restate properties
                walk(file, at + "/" + field.getKey(), field.getValue(), files, problems);
            }
        }
    }

    private static boolean described(String file, JsonNode property, Map<String, JsonNode> files) {
        if (!property.path("description").asText().isBlank()) {
            return true;
        }
        String ref = property.path("$ref").asText();
        int hash = ref.indexOf('#');
        if (hash < 0) {
            return false;
        }
        JsonNode target = files.get(hash == 0 ? file : ref.substring(0, hash));
        return target != null
                && !target.at(ref.substring(hash + 1))
                        .path("description")
                        .asText()
                        .isBlank();
    }
}
