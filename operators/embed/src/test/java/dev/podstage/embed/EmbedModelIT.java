package dev.podstage.embed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.embedding.SentenceEncoder;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real model through the packaged stage. */
class EmbedModelIT extends EmbedTestBase {

    @Test
    void aParaphraseRanksAboveAnUnrelatedSentence() {
        List<String> texts = List.of(
                "How do I reset my password?",
                "I forgot my password and want to set a new one.",
                "The cargo ship docked in Rotterdam after a storm.");
        JsonLines.write(input(), texts.size(), i -> Map.of("id", "s" + i, "text", texts.get(i)));

        StageProcess.Result run = embed().run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<JsonNode> r = JsonLines.read(output());
        double paraphrase = SentenceEncoder.cosine(vector(r.get(0)), vector(r.get(1)));
        double unrelated = SentenceEncoder.cosine(vector(r.get(0)), vector(r.get(2)));
        assertThat(paraphrase).isGreaterThan(0.5);
        assertThat(paraphrase).isGreaterThan(unrelated + 0.3);
    }

    @Test
    void batchSizeAndThreadsChangeHowNotWhat() throws Exception {
        JsonLines.write(
                input(),
                300,
                i -> Map.of(
                        "id",
                        "c" + i,
                        "text",
                        (i % 5 == 0 ? "a much longer chunk that pads the others in its batch, number " : "chunk ")
                                + i));

        StageProcess.Result serial =
                embed("--batch-size", "1", "--threads", "1").run();
        assertThat(serial.exitCode()).as(serial.toString()).isZero();
        assertThat(serial.xcom().path("metrics").path("batches").asLong()).isEqualTo(300);
        Files.move(output(), dir.resolve("serial.jsonl"), StandardCopyOption.REPLACE_EXISTING);
        StageProcess.Result parallel = embed("--batch-size", "7", "--threads", "3", "--intra-op-threads", "1")
                .run();
        assertThat(parallel.exitCode()).as(parallel.toString()).isZero();

        assertThat(parallel.xcom().path("metrics").path("batches").asLong())
                .as("batches of 7, cut per chunk")
                .isBetween(43L, 50L);
        List<JsonNode> a = JsonLines.read(dir.resolve("serial.jsonl"));
        List<JsonNode> b = JsonLines.read(output());
        assertThat(b)
                .extracting(r -> r.path("id").asText())
                .as("input order")
                .containsExactlyElementsOf(
                        a.stream().map(r -> r.path("id").asText()).toList());
        for (int i = 0; i < a.size(); i++) {
            assertThat(SentenceEncoder.cosine(vector(a.get(i)), vector(b.get(i))))
                    .as("record %d", i)
                    .isGreaterThan(0.99999);
        }
    }
}
