package dev.podstage.embed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.podstage.runtime.cache.CacheKeys;

class EmbedKeysTest {

    @ParameterizedTest
    @ValueSource(strings = { "plain text", "quotes \" and \\ backslash", "line\nbreak\ttab", "ünïcödé 漢字 🙂", "\u0001" })
    void theFastKeyIsTheRuntimesCanonicalKey(String text) {
        assertThat(EmbedKeys.of(text)).isEqualTo(CacheKeys.of("embed", EmbedKeys.identity(text)));
    }

    @ParameterizedTest
    @ValueSource(strings = { "a", "A", "a ", " a" })
    void everyDifferenceInTheTextIsADifferentKey(String text) {
        assertThat(EmbedKeys.of(text)).startsWith("podstage:embed:").isNotEqualTo(EmbedKeys.of("a-different-text"));
        assertThat(EmbedKeys.of(text)).isEqualTo(EmbedKeys.of(new String(text)));
    }
}
