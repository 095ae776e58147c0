package dev.podstage.runtime.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scanner may leave any line to Jackson, but what it accepts Jackson must accept, with the same strings. */
class JsonObjectScannerTest {

    private final JsonObjectScanner scanner = new JsonObjectScanner();

    @Test
    void acceptsPlainObjectsAndReadsTheirTopLevelStrings() {
        var strings = scan("{\"id\":\"a-1\", \"text\" : \"tab\\there \\\"q\\\" \\u00e9\\ud83d\\ude00 \\\\ \\/\","
                + "\"n\":-0.5e+3,\"deep\":{\"id\":\"inner\",\"list\":[1,true,null,{\"x\":[]}]},\"empty\":\"\"}\r");
        assertThat(strings).isNotNull();
        assertThat(strings.get("id")).isEqualTo("a-1");
        assertThat(strings.get("text")).isEqualTo("tab\there \"q\" \u00e9\ud83d\ude00 \\ /");
        assertThat(strings.get("empty")).isEmpty();
        assertThat(strings.get("n")).isNull(); // not a string
        assertThat(strings.get("deep")).isNull();
        assertThat(strings.get("list")).isNull(); // nested keys are not top-level
        assertThat(scan("  {}  ")).isNotNull();
    }

    @Test
    void leavesToJacksonWhatItCannotVouchFor() {
        for (String line : List.of(
                "",
                "[]",
                "\"s\"",
                "{",
                "{\"a\":1",
                "{\"a\":1,}",
                "{\"a\" 1}",
                "{a:1}",
                "{'a':1}",
                "{\"a\":01}",
                "{\"a\":1.}",
                "{\"a\":.5}",
                "{\"a\":-}",
                "{\"a\":1e}",
                "{\"a\":+1}",
                "{\"a\":NaN}",
                "{\"a\":tru}",
                "{\"a\":truex}",
                "{\"a\":nul}",
                "{\"a\":\"x\\q\"}",
                "{\"a\":\"x\\u12g4\"}",
                "{\"a\":\"tab\there\"}",
                "{\"a\":1}x",
                "{\"a\":1} {}",
                "{\"a\":1,\"a\":2}",
                "{\"o\":{\"b\":1,\"b\":1}}",
                "{\"\\u0061\":1}",
                "{\"a\":[1,]}",
                "{\"a\":[1 2]}",
                "{\"a\":\"unterminated}",
                "{\"a\":1 // c\n}")) {
            assertThat(scan(line)).as(line).isNull();
        }
        assertThat(scan("{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}")).isNull(); // deeper than it goes
        assertThat(scan("{\"a\":1" + "0".repeat(200) + "}")).isNull();
    }

    @Test
    void neverReadsPastTheLineIntoAReusedBuffer() {
        byte[] buffer = "{\"id\":\"a\"}".getBytes(StandardCharsets.US_ASCII);
        assertThat(scanner.scan(buffer, buffer.length - 1))
                .isNull(); // the closing brace is stale, not part of the line
        assertThat(scanner.scan(buffer, buffer.length)).isNotNull();
    }

    /** Random objects and random corruptions of them: every line the scanner accepts reads the same in Jackson. */
    @Test
    void agreesWithJacksonOnRandomAndCorruptedLines() {
        Random random = new Random(42);
        int accepted = 0;
        int validGenerated = 0;
        for (int i = 0; i < 20_000; i++) {
            String line = object(random, 0);
            boolean corrupt = i % 2 == 1;
            if (corrupt) {
                line = corrupt(random, line);
            } else {
                validGenerated++;
            }
            byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
            var strings = scanner.scan(bytes, bytes.length);
            if (!corrupt) {
                assertThat(strings).as("a plain generated line: %s", line).isNotNull();
            }
            if (strings != null) {
                accepted++;
                checkSameAsJackson(line, strings);
            }
        }
        assertThat(accepted).isGreaterThanOrEqualTo(validGenerated);
    }

    private static void checkSameAsJackson(String line, JsonObjectScanner.TopLevelStrings strings) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("the scanner accepted a line Jackson rejects (" + e.getMessage() + "): " + line);
        }
        assertThat(tree).as(line).isInstanceOf(ObjectNode.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            var field = it.next();
            String expected = field.getValue().isTextual() ? field.getValue().textValue() : null;
            assertThat(strings.get(field.getKey()))
                    .as("%s in %s", field.getKey(), line)
                    .isEqualTo(expected);
        }
        assertThat(strings.get("absent-key")).isNull();
    }

    private static final String[] KEYS = {"id", "text", "a", "b", "meta", "n", "x_y", ""};

    private static String object(Random r, int depth) {
        StringBuilder s = new StringBuilder("{");
        List<String> keys = new ArrayList<>(List.of(KEYS));
        int n = r.nextInt(depth == 0 ? 6 : 3);
        for (int i = 0; i < n; i++) {
            s.append(i > 0 ? "," : "").append(space(r));
            s.append('"')
                    .append(keys.remove(r.nextInt(keys.size())))
                    .append('"')
                    .append(space(r))
                    .append(':')
                    .append(space(r));
            s.append(value(r, depth)).append(space(r));
        }
        return s.append('}').toString();
    }

    private static String value(Random r, int depth) {
        int kind = r.nextInt(depth < 3 ? 7 : 5);
        return switch (kind) {
            case 0, 1 -> string(r);
            case 2 -> number(r);
            case 3 -> List.of("true", "false", "null").get(r.nextInt(3));
            case 4 -> "\"" + "plain text ".repeat(r.nextInt(3)) + "\"";
            case 5 -> object(r, depth + 1);
            default -> {
                StringBuilder a = new StringBuilder("[");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    a.append(i > 0 ? "," : "").append(space(r)).append(value(r, depth + 1));
                }
                yield a.append(']').toString();
            }
        };
    }

    private static String string(Random r) {
        StringBuilder s = new StringBuilder("\"");
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(6)) {
                case 0 ->
                    s.append(List.of("\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t")
                            .get(r.nextInt(8)));
                case 1 -> s.append(String.format("\\u%04x", r.nextInt(0x10000)));
                default -> {
                    char c = (char) (0x20 + r.nextInt(0x5f)); // printable ASCII
                    s.append(c == '"' || c == '\\' ? 'q' : c);
                }
            }
        }
        return s.append('"').toString();
    }

    private static String number(Random r) {
        String n = (r.nextBoolean() ? "-" : "") + (r.nextInt(4) == 0 ? "0" : Integer.toString(1 + r.nextInt(100000)));
        if (r.nextBoolean()) {
            n += "." + r.nextInt(1000);
        }
        if (r.nextInt(3) == 0) {
            n += (r.nextBoolean() ? "e" : "E") + List.of("", "+", "-").get(r.nextInt(3)) + r.nextInt(30);
        }
        return n;
    }

    private static String space(Random r) {
        return r.nextInt(4) == 0 ? List.of(" ", "\t", "  ", "\r").get(r.nextInt(4)) : "";
    }

    private static final String NOISE = "{}[]\":,\\ 0123456789-+.eEtrufalsn\u0001\u00e9x";

    private static String corrupt(Random r, String line) {
        StringBuilder s = new StringBuilder(line);
        int edits = 1 + r.nextInt(3);
        for (int i = 0; i < edits && s.length() > 0; i++) {
            int at = r.nextInt(s.length());
            switch (r.nextInt(3)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, NOISE.charAt(r.nextInt(NOISE.length())));
                default -> s.setCharAt(at, NOISE.charAt(r.nextInt(NOISE.length())));
            }
        }
        return s.toString();
    }

    private JsonObjectScanner.TopLevelStrings scan(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return scanner.scan(bytes, bytes.length);
    }
}
