package dev.podstage.embed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.runtime.cache.CacheKeys;
import dev.podstage.runtime.cache.KeyTemplate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbedKeysTest {

    private static final KeyTemplate KEYS = EmbedKeys.template();

    @ParameterizedTest
    @ValueSource(strings = {"plain text", "quotes \" and \\ backslash", "line\nbreak\ttab", "ünïcödé 漢字 🙂", "\u0001"})
    void theFastKeyIsTheRuntimesCanonicalKey(String text) {
        assertThat(KEYS.key(text)).isEqualTo(CacheKeys.of("embed", EmbedKeys.identity(text)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "A", "a ", " a"})
    void everyDifferenceInTheTextIsADifferentKey(String text) {
        assertThat(KEYS.key(text)).startsWith("podstage:embed:").isNotEqualTo(KEYS.key("a-different-text"));
        assertThat(KEYS.key(text)).isEqualTo(KEYS.key(new String(text)));
    }
}
