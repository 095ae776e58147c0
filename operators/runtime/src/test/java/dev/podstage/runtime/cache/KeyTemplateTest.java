package dev.podstage.runtime.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class KeyTemplateTest {

    /** Field names on both sides of the variable one in sorted order, numbers and a nested object. */
    private static final Function<String, Object> IDENTITY = text -> {
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("protocol", "inputs");
        id.put("model", "m\u00e9");
        id.put("max_new_tokens", 64);
        id.put("input", text);
        id.put("params", Map.of("t", 0.2, "stop", List.of("\n")));
        return id;
    };

    @Test
    void givesTheKeyCacheKeysGivesForEveryCharacterAJsonStringCanHold() {
        KeyTemplate template = KeyTemplate.of("infer", IDENTITY);
        List<String> samples = new ArrayList<>();
        for (char c = 0; c < 0x80; c++) {
            samples.add("a" + c + "z");
        }
        samples.addAll(List.of(
                "",
                "plain text",
                "caf\u00e9 \ud83d\ude00",
                "line\u2028sep\u2029",
                "lone \ud800 surrogate",
                "\udc00 trailing",
                "quote \" backslash \\ slash /",
                "\u007f\u0080\u00ff\uffff",
                "podstage-key-template-hole-7f3a9c"));
        for (String sample : samples) {
            assertThat(template.key(sample)).as("%s", sample).isEqualTo(CacheKeys.of("infer", IDENTITY.apply(sample)));
        }
    }

    @Test
    void keysDependOnTheTextAndTheFixedFields() {
        KeyTemplate template = KeyTemplate.of("infer", IDENTITY);
        KeyTemplate otherNamespace = KeyTemplate.of("embed", IDENTITY);
        KeyTemplate otherModel = KeyTemplate.of("infer", text -> Map.of("model", "other", "input", text));

        assertThat(template.key("a"))
                .isNotEqualTo(template.key("b"))
                .isEqualTo(template.key("a"))
                .startsWith("podstage:infer:");
        assertThat(otherNamespace.key("a"))
                .startsWith("podstage:embed:")
                .endsWith(template.key("a").substring(15));
        assertThat(otherModel.key("a")).isNotEqualTo(template.key("a"));
    }

    @Test
    void anIdentityThatDoesNotHoldItsArgumentOnceAsAValueIsRefused() {
        assertThatThrownBy(() -> KeyTemplate.of("infer", text -> Map.of("model", "m")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly once");
        assertThatThrownBy(() -> KeyTemplate.of("infer", text -> Map.of("a", text, "b", text)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly once");
        assertThatThrownBy(() -> KeyTemplate.of("infer", text -> Map.of(text, "key, not value")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly once");
    }
}
