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
    void arrayOrderAndValuesDoChangeIt() {
        assertThat(CanonicalJson.sha256(List.of(1, 2))).isNotEqualTo(CanonicalJson.sha256(List.of(2, 1)));
        assertThat(CanonicalJson.sha256(Map.of("p", "a"))).isNotEqualTo(CanonicalJson.sha256(Map.of("p", "b")));
    }
}
