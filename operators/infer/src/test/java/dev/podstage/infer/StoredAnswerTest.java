package dev.podstage.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.runtime.io.AtomicFile;
import dev.podstage.runtime.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The cache entry of an answer: written, read back with the output's JSON text intact, refused when broken. */
class StoredAnswerTest {

    /** Outputs of every JSON shape an endpoint returns, with the characters that need escaping. */
    private static final List<String> OUTPUTS = List.of(
            "\"plain text\"",
            "\"quote \\\" backslash \\\\ newline \\n tab \\t unicode \\u2028 é 😀\"",
            "\"\"",
            "\"control \\u0001 \\u001F and delete \u007f\"",
            "[0.25,-1.5E-7,3,0]",
            "[]",
            "{\"text\":\"a, b}\",\"nested\":{\"list\":[1,{\"x\":null}]},\"flag\":true}",
            "{}",
            "42",
            "-0.5",
            "true",
            "null");

    @Test
    void anEntryReadsBackAsItWasWrittenForEveryOutputShape() throws Exception {
        for (String output : OUTPUTS) {
            JsonNode tree = Json.MAPPER.readTree(output);
            for (boolean estimated : new boolean[] {false, true}) {
                StoredAnswer written =
                        StoredAnswer.of(new ItemAnswer(tree, 12, 34, estimated), "http://sim:8080/v1", 51);
                StoredAnswer read = StoredAnswer.parse(written.toJson());
                assertNotNull(read, output);
                assertEquals(written, read, output);
                assertEquals(tree, Json.MAPPER.readTree(read.outputJson()), output);
                assertEquals(
                        Json.MAPPER.writeValueAsString(tree),
                        read.outputJson(),
                        "the output as Jackson writes it: " + output);
            }
        }
    }

    /** The one-pass reader of the written layout and the Jackson reading agree on every entry either accepts. */
    @Test
    void theWrittenLayoutReadsTheSameWithoutAParser() throws Exception {
        List<String> entries = new java.util.ArrayList<>();
        for (String output : OUTPUTS) {
            JsonNode tree = Json.MAPPER.readTree(output);
            for (boolean estimated : new boolean[] {false, true}) {
                entries.add(StoredAnswer.of(new ItemAnswer(tree, 12, 0, estimated), "http://sim:8080/v1", 51)
                        .toJson());
            }
        }
        int fast = 0;
        for (String entry : entries) {
            StoredAnswer read = StoredAnswerReader.read(entry);
            if (read != null) {
                fast++;
                assertEquals(StoredAnswer.parseAnyLayout(entry), read, entry);
            }
        }
        assertEquals(
                6 * 2, fast, "strings and number arrays are read in one pass"); // objects and scalars go to Jackson
        java.util.Random random = new java.util.Random(7);
        String sample = entries.get(2); // the string output with escapes and non-ASCII characters
        for (int i = 0; i < 5_000; i++) {
            StringBuilder broken = new StringBuilder(i % 3 == 0 ? entries.get(i % entries.size()) : sample);
            int at = random.nextInt(broken.length());
            switch (random.nextInt(3)) {
                case 0 -> broken.deleteCharAt(at);
                case 1 -> broken.insert(at, "\"\\,:[]{}0-.eu\u0001\u0663x ".charAt(random.nextInt(17)));
                default -> broken.setCharAt(at, "\"\\,:[]{}0-.eu\u0001\u0663x ".charAt(random.nextInt(17)));
            }
            String entry = broken.toString();
            StoredAnswer read = StoredAnswerReader.read(entry);
            if (read != null) {
                assertEquals(StoredAnswer.parseAnyLayout(entry), read, entry);
            }
        }
        for (String entry : entries) {
            for (int cut = 0; cut < entry.length(); cut++) {
                assertNull(StoredAnswerReader.read(entry.substring(0, cut)), "cut off: " + entry.substring(0, cut));
            }
        }
        assertNull(
                StoredAnswerReader.read("{\"output\":\"\\u\u0663\u0663\u0663\u0663\",\"input_tokens\":1,"
                        + "\"output_tokens\":1,\"endpoint\":\"e\",\"latency_ms\":1}"),
                "digits of other scripts are no hex digits");
    }

    @Test
    void fieldsInAnyOrderWithSpacesAndUnknownFieldsStillRead() {
        StoredAnswer read = StoredAnswer.parse("""
                { "endpoint" : "http://b" , "extra": {"deep": [1, 2]},
                  "output" :  {"a": [1, 2]}   ,
                  "latency_ms": 7, "output_tokens": 2, "input_tokens": 1, "estimated_usage": true }""");
        assertNotNull(read);
        assertEquals("{\"a\": [1, 2]}", read.outputJson());
        assertEquals(new StoredAnswer("{\"a\": [1, 2]}", 1, 2, true, "http://b", 7), read);
        StoredAnswer last = StoredAnswer.parse("{\"input_tokens\":1,\"output\":\"x\" }");
        assertNotNull(last);
        assertEquals("\"x\"", last.outputJson(), "an output that ends the entry, before spaces and the brace");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not json",
                "[\"output\"]",
                "{\"input_tokens\":1}", // no output
                "{\"output\":\"unterminated}",
                "{\"output\":\"bad escape \\q\"}",
                "{\"output\":{\"a\":1,}}",
                "{\"output\":[1,2}",
                "{\"output\":\"x\"} trailing",
                "{\"output\":\"x\"}{\"output\":\"y\"}",
                "{\"output\":\"x\""
            })
    void anUnreadableEntryIsAMiss(String entry) {
        assertNull(StoredAnswer.parse(entry), entry);
    }

    @Test
    void anOutputRecordCarriesTheOutputTextAsItIs() throws Exception {
        StoredAnswer answer = StoredAnswer.parse(
                "{\"output\":{\"text\":\"a \\\"b\\\"\"},\"input_tokens\":3,\"output_tokens\":4,\"endpoint\":\"http://e\",\"latency_ms\":9}");
        assertNotNull(answer);
        Path target = Files.createTempDirectory("stored-answer").resolve("out.jsonl");
        AtomicFile file = AtomicFile.create(target);
        OutputRecords records = new OutputRecords(file, "m", null);
        records.write("r1", answer, 0.5, OutputRecords.Reuse.CACHED);
        records.write("r2", answer, 0, OutputRecords.Reuse.DEDUPLICATED);
        records.flush();
        file.commit();
        List<String> lines = Files.readAllLines(target);
        assertEquals(2, lines.size());
        JsonNode first = Json.MAPPER.readTree(lines.get(0));
        assertEquals("r1", first.get("id").textValue());
        assertEquals("a \"b\"", first.get("output").get("text").textValue());
        assertTrue(first.get("cached").booleanValue());
        assertEquals(0, first.get("latency_ms").intValue(), "a reused answer took no time of this run");
        JsonNode second = Json.MAPPER.readTree(lines.get(1));
        assertFalse(second.get("cached").booleanValue());
        assertTrue(second.get("deduplicated").booleanValue());
    }
}
