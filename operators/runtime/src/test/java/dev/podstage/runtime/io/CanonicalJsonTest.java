package dev.podstage.runtime.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    @Test
    void keyOrderDoesNotChangeTheDigest() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("model", "m");
        a.put("params", Map.of("t", 0.2, "max", 5));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("params", new LinkedHashMap<>(Map.of("max", 5, "t", 0.2)));
        b.put("model", "m");

        assertThat(CanonicalJson.of(a)).isEqualTo("{\"model\":\"m\",\"params\":{\"max\":5,\"t\":0.2}}");
        assertThat(CanonicalJson.sha256(a)).isEqualTo(CanonicalJson.sha256(b)).hasSize(64);
    }

    @Test
    void theDirectPathWritesExactlyWhatTheTreePathWrites() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("z", List.of(3, "x\u00e9\"\n\u2028", Map.of("b", true, "a", false)));
        nested.put("a", null);
        nested.put("long", 1L << 40);
        nested.put("double", 0.1);
        nested.put("tiny", 1e-300);
        nested.put("float", 1.5f);
        nested.put("big", new java.math.BigDecimal("1.50"));
        nested.put("tree", Json.MAPPER.createObjectNode().put("y", 1).put("b", "two"));
        nested.put("record", new Sample("v", 2));
        nested.put("intKeys", Map.of(10, "ten", 9, "nine"));
        List<Object> samples = List.of(nested, "plain", 42, List.of(), Map.of(), "\ud83d\ude00 emoji");
        for (Object sample : samples) {
            assertThat(CanonicalJson.of(sample)).as("%s", sample).isEqualTo(CanonicalJson.ofTree(sample));
        }
    }

    @Test
    void theDigestIsTheSha256OfTheCanonicalTextInUtf8() {
        // Known answers (Python: sha256 of json.dumps(..., separators=(",", ":"), ensure_ascii=False) in UTF-8):
        // cache and job keys already stored depend on them, non-ASCII and emoji included; a lone surrogate has
        // no UTF-8 form and is encoded as '?'.
        assertThat(CanonicalJson.sha256(Map.of("model", "m")))
                .isEqualTo("548f58d1c36c715b44f0863472074a97c448d5b8d18164b92adf55592b127f86");
        assertThat(CanonicalJson.sha256(Map.of("model", "m", "input", "caf\u00e9 \ud83d\ude00")))
                .isEqualTo("fba1a502bb26ea0854253ac744218a2452c5634996aa2c816813b5fe0828f384");
        assertThat(CanonicalJson.sha256(Map.of("input", "lone \ud800 surrogate")))
                .isEqualTo("8723ff4f47212e5eef779f2d68a9273ebd522574a9b902ab69fb54fce24c7493");
    }

    record Sample(String value, int count) {}

    @Test
    void arrayOrderAndValuesDoChangeIt() {
        assertThat(CanonicalJson.sha256(List.of(1, 2))).isNotEqualTo(CanonicalJson.sha256(List.of(2, 1)));
        assertThat(CanonicalJson.sha256(Map.of("p", "a"))).isNotEqualTo(CanonicalJson.sha256(Map.of("p", "b")));
    }
}
