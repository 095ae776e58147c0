package dev.podstage.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real model, loaded once for the class (about a second). */
class SentenceEncoderTest {

    /** Deleted with the model copy and the tokenizer library (about 100 MB) when the class is done. */
    @TempDir
    static Path workDir;

    private static SentenceEncoder encoder;

    @BeforeAll
    static void open() {
        encoder = SentenceEncoder.open(new EncoderSettings(Device.CPU, 2, workDir));
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void everyTextGetsA384DimensionalUnitVector() {
        float[][] vectors =
                encoder.encode(List.of("The cat sits on the mat.", "Quarterly revenue grew by 12 percent.", "x"));

        assertThat(encoder.dimension()).isEqualTo(384);
        assertThat(encoder.modelName()).isEqualTo("all-MiniLM-L6-v2");
        assertThat(vectors).hasNumberOfRows(3);
        for (float[] v : vectors) {
            assertThat(v).hasSize(384);
            assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
        }
        assertThat(SentenceEncoder.cosine(vectors[0], vectors[1])).isLessThan(0.99);
    }

    @Test
    void aParaphraseIsCloserThanAnUnrelatedSentence() {
        float[][] v = encoder.encode(List.of(
                "How do I reset my password?",
                "I forgot my password and need to change it.",
                "The train to Berlin leaves at nine in the morning."));

        double paraphrase = SentenceEncoder.cosine(v[0], v[1]);
        double unrelated = SentenceEncoder.cosine(v[0], v[2]);
        assertThat(paraphrase).isGreaterThan(0.5);
        assertThat(unrelated).isLessThan(0.2);
        assertThat(paraphrase).isGreaterThan(unrelated + 0.3);
    }

    @Test
    void aTextGetsTheSameVectorAloneAndPaddedInABatch() {
        String shortText = "Refund for a broken screen";
        String longText = "The customer writes at length about a delayed shipment, a missing invoice, a billing error"
                + " on the renewal of the contract and asks for a discount on the next upgrade.";

        float[] alone = encoder.encode(List.of(shortText))[0];
        float[][] batch = encoder.encode(List.of(longText, shortText));

        assertThat(SentenceEncoder.cosine(alone, batch[1])).isGreaterThan(0.99999);
        assertThat(SentenceEncoder.cosine(batch[0], batch[1])).isLessThan(0.95);
    }

    @Test
    void moreTextsThanOneModelRunKeepTheirOrder() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < SentenceEncoder.MAX_BATCH + 20; i++) {
            texts.add(
                    i % 3 == 0
                            ? "short " + i
                            : "a somewhat longer sentence about topic number " + i + " and more words");
        }

        float[][] all = encoder.encode(texts);
        float[][] some = encoder.encode(List.of(texts.get(0), texts.get(100), texts.get(texts.size() - 1)));

        assertThat(all).hasNumberOfRows(texts.size());
        assertThat(SentenceEncoder.cosine(all[0], some[0])).isGreaterThan(0.99999);
        assertThat(SentenceEncoder.cosine(all[100], some[1])).isGreaterThan(0.99999);
        assertThat(SentenceEncoder.cosine(all[texts.size() - 1], some[2])).isGreaterThan(0.99999);
    }

    @Test
    void textsLongerThanTheModelTakesAreTruncatedNotRefused() {
        String words = String.join(" ", java.util.Collections.nCopies(2000, "invoice"));

        float[][] v = encoder.encode(List.of(words, words + " and one more sentence at the very end"));

        assertThat(norm(v[0])).isCloseTo(1.0, within(1e-5));
        assertThat(SentenceEncoder.cosine(v[0], v[1]))
                .as("the tail beyond %d tokens is cut", SentenceEncoder.MAX_TOKENS)
                .isGreaterThan(0.999999);
    }

    @Test
    void anEmptyListGivesNoVectors() {
        assertThat(encoder.encode(List.of())).isEmpty();
    }

    @Test
    void theTokenizerLibraryIsUnpackedIntoTheWorkDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(workDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("libtokenizers.so");
        }
    }

    @Test
    void theModelIsUnpackedIntoTheWorkDirectoryOnceAndThenReused() throws IOException {
        Path model = ModelFiles.model(workDir);
        var unpacked = Files.getLastModifiedTime(model);

        SentenceEncoder.open(new EncoderSettings(Device.CPU, 1, workDir)).close();

        assertThat(model).startsWith(workDir.resolve("model"));
        assertThat(Files.size(model)).isGreaterThan(80_000_000);
        assertThat(ModelFiles.model(workDir)).isEqualTo(model);
        assertThat(Files.getLastModifiedTime(model)).isEqualTo(unpacked);
        try (Stream<Path> files = Files.list(workDir.resolve("model"))) {
            assertThat(files).as("no temporary file left").hasSize(1);
        }
    }

    @Test
    void cudaOnTheCpuBuildFailsWithAClearMessageInsteadOfFallingBack() {
        assertThat(Device.CPU.supportedByRuntime()).isTrue();
        assertThat(Device.CUDA.supportedByRuntime())
                .as("this build carries the CPU onnxruntime")
                .isFalse();

        assertThatThrownBy(() -> SentenceEncoder.open(new EncoderSettings(Device.CUDA, 1, workDir)))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining("no CUDA provider")
                .hasMessageContaining("-Pgpu");
    }

    @Test
    void cosineOfVectors() {
        assertThat(SentenceEncoder.cosine(new float[] {1, 0}, new float[] {0, 2}))
                .isZero();
        assertThat(SentenceEncoder.cosine(new float[] {1, 1}, new float[] {2, 2}))
                .isCloseTo(1.0, within(1e-12));
        assertThat(SentenceEncoder.cosine(new float[] {1, 0}, new float[] {-3, 0}))
                .isCloseTo(-1.0, within(1e-12));
        assertThat(SentenceEncoder.cosine(new float[] {0, 0}, new float[] {1, 0}))
                .isZero();
        assertThatThrownBy(() -> SentenceEncoder.cosine(new float[2], new float[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settingsRefuseNonsense() {
        assertThatThrownBy(() -> new EncoderSettings(Device.CPU, 0, workDir))
                .isInstanceOf(IllegalArgumentException.class);
        EncoderSettings defaults = EncoderSettings.defaults();
        assertThat(defaults.device()).isEqualTo(Device.CPU);
        assertThat(defaults.intraOpThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(defaults.workDir()).startsWithRaw(Path.of(System.getProperty("java.io.tmpdir")));
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }
}
