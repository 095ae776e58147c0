package dev.podstage.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.runtime.cache.CacheKeys;
import dev.podstage.runtime.cache.KeyTemplate;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.resilience.RemoteCallException;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void openAiUrlsAcceptHostApiRootOrFullResource() {
        assertThat(WireFormat.openAiUrl("https://api.x.com", "embeddings"))
                .isEqualTo("https://api.x.com/v1/embeddings");
        assertThat(WireFormat.openAiUrl("https://api.x.com/v1/", "embeddings"))
                .isEqualTo("https://api.x.com/v1/embeddings");
        assertThat(WireFormat.openAiUrl("https://h/v1/chat/completions", "chat/completions"))
                .isEqualTo("https://h/v1/chat/completions");
        assertThat(new InputsBatch("m", 8).url("http://tgi:8080")).isEqualTo("http://tgi:8080/generate");
        assertThat(new InputsBatch("m", 8).url("http://ks/v1/models/m:predict"))
                .isEqualTo("http://ks/v1/models/m:predict");
    }

    @Test
    void embeddingUsageIsSplitSoThatItAddsUp() throws Exception {
        long[] shares = OpenAiEmbeddings.splitUsage(Json.MAPPER.readTree("101"), List.of("a", "bbbb", "cc"));
        assertThat(shares).hasSize(3);
        assertThat(shares[0] + shares[1] + shares[2]).isEqualTo(101);
        assertThat(shares[1]).isGreaterThan(shares[0]);
    }

    @Test
    void embeddingsAreReorderedByIndex() throws Exception {
        JsonNode body = Json.MAPPER.readTree("""
                {"data":[{"index":1,"embedding":[0.0,1.0]},{"index":0,"embedding":[1.0,0.0]}],"usage":{"prompt_tokens":4}}""");
        List<ItemAnswer> answers = new OpenAiEmbeddings("m").answers("u", body, List.of("x", "y"));
        assertThat(answers.get(0).output().get(0).asDouble()).isEqualTo(1.0);
        assertThat(answers.get(1).output().get(1).asDouble()).isEqualTo(1.0);
    }

    @Test
    void aBodyOfTheWrongShapeIsARetryableMalformedAnswer() throws Exception {
        JsonNode wrong = Json.MAPPER.readTree("[{\"generated_text\":\"only one\"}]");
        assertThatThrownBy(() -> new InputsBatch("m", 8).answers("http://u", wrong, List.of("a", "b")))
                .isInstanceOfSatisfying(
                        RemoteCallException.class,
                        e -> assertThat(e.retryable()).isTrue());
        assertThatThrownBy(() -> new OpenAiChat("m", 8, null, null)
                        .answers("http://u", Json.MAPPER.readTree("{}"), List.of("a")))
                .isInstanceOf(RemoteCallException.class);
    }

    @Test
    void cacheIdentityChangesWithModelAndParametersButNotWithTheKey() {
        Object a = new OpenAiChat("m1", 16, 0.2, null).cacheIdentity("p");
        assertThat(a).isEqualTo(new OpenAiChat("m1", 16, 0.2, null).cacheIdentity("p"));
        assertThat(a).isNotEqualTo(new OpenAiChat("m2", 16, 0.2, null).cacheIdentity("p"));
        assertThat(a).isNotEqualTo(new OpenAiChat("m1", 32, 0.2, null).cacheIdentity("p"));
    }

    @Test
    void everyWireFormatsKeysComeFromATemplateThatGivesTheCanonicalKey() {
        List<WireFormat> formats = List.of(
                new InputsBatch("m", 8),
                new OpenAiEmbeddings("e"),
                new OpenAiChat("c", 16, 0.2, "be brief"),
                new OpenAiChat("c", 16, null, null));
        for (WireFormat format : formats) {
            KeyTemplate keys = KeyTemplate.of("infer", format::cacheIdentity);
            for (String prompt : List.of("plain", "caf\u00e9 \"quoted\"\n\ud83d\ude00", "")) {
                assertThat(keys.key(prompt))
                        .as("%s %s", format, prompt)
                        .isEqualTo(CacheKeys.of("infer", format.cacheIdentity(prompt)));
            }
        }
    }

    @Test
    void budgetAdmitsOnlyWhatFits() {
        Budget budget = new Budget(java.util.OptionalDouble.of(1.0), 0.25);
        assertThat(budget.fits(0.75)).isTrue();
        budget.reserve(0.5);
        assertThat(budget.fits(0.3)).isFalse();
        budget.settle(0.5, 0.1);
        assertThat(budget.spent()).isEqualTo(0.35);
        assertThat(budget.fits(0.65)).isTrue();
        assertThat(budget.fits(0.66)).isFalse();
    }
}
