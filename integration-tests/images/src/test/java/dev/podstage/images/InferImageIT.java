package dev.podstage.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.sim.LlmSimulator;
import dev.podstage.testkit.JsonLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The infer image does a real small run against the simulator, as a pod would. */
class InferImageIT {

    private static LlmSimulator sim;

    @TempDir
    Path work;

    @BeforeAll
    static void startSimulator() {
        sim = LlmSimulator.start();
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @Test
    void helpListsOptionsWithTheirEnvironmentVariables() {
        Podman.Result result = new StageImage("infer", work).run("--help");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("Usage: infer", "--endpoint", "PODSTAGE_INFER_ENDPOINT");
    }

    @Test
    void smallRunWritesOutputAndXComAsTheNonRootUser() throws Exception {
        StageImage image = new StageImage("infer", work);
        JsonLines.texts(image.data().resolve("in.jsonl"), 40, "question");
        Podman.Result result = image.run(
                "--input",
                "/data/in.jsonl",
                "--output",
                "/data/out.jsonl",
                "--endpoint",
                sim.baseUrl(),
                "--protocol",
                "inputs",
                "--batch-size",
                "8");
        assertThat(result.exitCode()).as(result.stderr()).isZero();

        List<JsonNode> out = JsonLines.read(image.data().resolve("out.jsonl"));
        assertThat(out).hasSize(40);
        assertThat(sim.stats().requests()).isEqualTo(5);
        JsonNode xcom = JsonLines.MAPPER.readTree(image.xcomFile().toFile());
        assertThat(xcom.path("stage").asText()).isEqualTo("infer");
        assertThat(xcom.path("status").asText()).isEqualTo("success");
        assertThat(xcom.path("records_out").asLong()).isEqualTo(40);
        assertThat(xcom.path("outputs").get(0).asText()).isEqualTo("file:///data/out.jsonl");
        assertThat(result.stdout() + result.stderr()).contains("image_test/infer run manual__image_test try 1");
        // Written by the image's user, not root: the pod runs non-root.
        assertThat(Files.getAttribute(image.data().resolve("out.jsonl"), "unix:uid"))
                .isEqualTo(1001);
    }

    @Test
    void badConfigurationExitsTwoNamingTheKey() {
        Podman.Result result = new StageImage("infer", work)
                .run(
                        "--input",
                        "/data/in.jsonl",
                        "--output",
                        "/data/out.jsonl",
                        "--endpoint",
                        sim.baseUrl(),
                        "--protocol",
                        "inputs",
                        "--batch-size",
                        "0");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stdout() + result.stderr()).contains("podstage.infer.batch-size");
    }

    @Test
    void unreadableInputExitsThree() throws Exception {
        StageImage image = new StageImage("infer", work);
        Files.writeString(image.data().resolve("in.jsonl"), "not json\n{\"id\": \"a\"\n\u0000\u0001binary\n");
        Podman.Result result = image.run(
                "--input",
                "/data/in.jsonl",
                "--output",
                "/data/out.jsonl",
                "--endpoint",
                sim.baseUrl(),
                "--protocol",
                "inputs");
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isEqualTo(3);
        assertThat(image.data().resolve("out.jsonl.rejects.jsonl")).exists();
    }
}
