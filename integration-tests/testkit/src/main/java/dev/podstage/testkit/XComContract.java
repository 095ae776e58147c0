package dev.podstage.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The XCom contract of the stages: {@code docs/schemas/<stage>.xcom.json} (JSON Schema 2020-12),
 * checked against every XCom value a test reads ({@link StageProcess.Result#xcom()}). The stage is
 * the value's own {@code "stage"}; a schema's {@code $ref} to {@code common.xcom.json} is resolved
 * from the same directory, on disk: nothing is fetched.
 *
 * <p>With the system property {@code podstage.xcom.record} set to a directory, every value checked
 * is also appended to {@code <dir>/<stage>.jsonl} (as {@code {"origin": ..., "xcom": ...}}): the
 * real values the documentation's examples come from, and a count of the checks that ran.
 */
public final class XComContract {

    /** Where the schemas live, relative to the repository root. */
    public static final String SCHEMA_DIR = "docs/schemas";

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final Map<Path, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();
    private static volatile Path schemaDir;

    private XComContract() {}

    /**
     * Checks {@code xcom} against the schema of the stage it names.
     *
     * @param origin where the value came from (the XCom file), for the error message
     * @throws AssertionError naming the stage, the schema file and each violation
     */
    public static void check(JsonNode xcom, Object origin) {
        String stage = xcom.path("stage").isTextual() ? xcom.path("stage").textValue() : null;
        if (stage == null || !stage.matches("[a-z][a-z0-9_-]*")) {
            throw new AssertionError("XCom contract: the value at " + origin + " has no usable \"stage\" (got "
                    + xcom.get("stage") + "), so no schema under " + SCHEMA_DIR + " applies to it: " + xcom);
        }
        Path schema = schemaFile(stage);
        List<String> violations = violations(schema, xcom);
        record(stage, xcom, origin);
        if (!violations.isEmpty()) {
            throw new AssertionError("XCom contract broken by stage '" + stage + "': " + violations.size()
                    + " violation(s) of " + schema + " in the value at " + origin + ":\n  - "
                    + String.join("\n  - ", violations) + "\nvalue: " + xcom
                    + "\n(a key added or changed in the stage's code needs the schema and docs/xcom.md updated too)");
        }
    }

    /** The violations of {@code xcom} against the schema of {@code stage}, one line each; empty when it conforms. */
    public static List<String> violations(String stage, JsonNode xcom) {
        return violations(schemaFile(stage), xcom);
    }

    static List<String> violations(Path schemaFile, JsonNode xcom) {
        Set<ValidationMessage> messages = schema(schemaFile).validate(xcom);
        List<String> lines = new ArrayList<>();
        messages.stream()
                .sorted(Comparator.comparing(ValidationMessage::getMessage))
                .forEach(m -> lines.add(m.getMessage()));
        return lines;
    }

    /** {@code docs/schemas/<stage>.xcom.json}; fails when the stage has none. */
    public static Path schemaFile(String stage) {
        Path file = schemaDir().resolve(stage + ".xcom.json");
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("XCom contract: no schema for stage '" + stage + "': " + file
                    + " does not exist (every stage's XCom value is documented in " + SCHEMA_DIR
                    + " and docs/xcom.md)");
        }
        return file;
    }

    /** {@code docs/schemas} of the repository: found by walking up from {@code user.dir}. */
    public static Path schemaDir() {
        Path found = schemaDir;
        if (found == null) {
            Path start =
                    Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                if (Files.isDirectory(dir.resolve(SCHEMA_DIR))) {
                    found = dir.resolve(SCHEMA_DIR);
                    break;
                }
            }
            if (found == null) {
                throw new AssertionError("XCom contract: no " + SCHEMA_DIR + " directory in " + start
                        + " or any directory above it (run the tests inside the repository)");
            }
            schemaDir = found;
        }
        return found;
    }

    private static JsonSchema schema(Path file) {
        return SCHEMAS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> {
            try {
                JsonSchema schema =
                        FACTORY.getSchema(SchemaLocation.of(f.toUri().toString()));
                schema.initializeValidators(); // resolves every $ref now: a broken one fails here, by name
                return schema;
            } catch (RuntimeException e) {
                throw new AssertionError("XCom contract: cannot load the schema " + f + ": " + e, e);
            }
        });
    }

    private static void record(String stage, JsonNode xcom, Object origin) {
        String dir = System.getProperty("podstage.xcom.record");
        if (dir == null || dir.isBlank()) {
            return;
        }
        var line = JsonLines.MAPPER.createObjectNode();
        line.put("origin", String.valueOf(origin));
        line.set("xcom", xcom);
        synchronized (XComContract.class) {
            try {
                Path file = Path.of(dir).resolve(stage + ".jsonl");
                Files.createDirectories(file.getParent());
                Files.writeString(
                        file,
                        line + "\n",
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record the XCom value in " + dir, e);
            }
        }
    }
}
