package dev.podstage.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every native stage image must be (images/build-native.sh, docs/native.md): non-root and labelled like
 * the JVM images, the executable with the JDK libraries and the libjvm shim beside it and no JVM to start it,
 * and a heap sized from the pod's memory limit, which the executable reads from its cgroup. The JVM images'
 * own checks are {@link ImageHygieneIT}; the behaviour checks ({@link StageImagesIT}, {@link InferImageIT})
 * run against either flavour.
 */
class NativeImageHygieneIT {

    @TempDir
    java.nio.file.Path work;

    static Stream<String> stages() {
        return ImageHygieneIT.stages();
    }

    @ParameterizedTest
    @MethodSource("stages")
    void runsTheExecutableAsNonRootWithLabels(String stage) throws Exception {
        JsonNode config = ImageHygieneIT.inspect(stage).path("Config");
        assertThat(config.path("User").asText()).isEqualTo("1001");
        JsonNode labels = config.path("Labels");
        assertThat(labels.path("org.opencontainers.image.title").asText()).isEqualTo("podstage-" + stage);
        assertThat(labels.path("org.opencontainers.image.version").asText())
                .isEqualTo(System.getProperty("podstage.version"));
        assertThat(labels.path("org.opencontainers.image.revision").asText()).matches("[0-9a-f]{40}|unknown");
        List<String> entrypoint = new ArrayList<>();
        config.path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
        assertThat(entrypoint).containsExactly("./application");
        assertThat(config.path("WorkingDir").asText()).isEqualTo("/work");
    }

    @ParameterizedTest
    @MethodSource("stages")
    void carriesTheJdkLibrariesBesideTheExecutableAndLoadsNoHotSpot(String stage) {
        Podman.Result listing =
                Podman.run("run", "--rm", "--entrypoint", "sh", StageImage.reference(stage), "-c", "ls /work");
        assertThat(listing.exitCode()).as(listing.stderr()).isZero();
        assertThat(listing.stdout().lines().toList())
                .contains("application", "libjvm.so", "libjava.so", "libnio.so", "libnet.so", "libzip.so");
        // The executable resolves every library from its own folder: the shim, never the JRE's HotSpot.
        Podman.Result linked = Podman.run(
                "run", "--rm", "--entrypoint", "sh", StageImage.reference(stage), "-c", "ldd /work/application");
        assertThat(linked.stdout())
                .contains("/work/libjvm.so", "/work/libjava.so")
                .doesNotContain("not found")
                .doesNotContain("server/libjvm.so");
    }

    @ParameterizedTest
    @MethodSource("stages")
    void startsReadOnly(String stage) {
        Podman.Result version = new StageImage(stage, work).run("--version");
        assertThat(version.exitCode()).as(version.stderr()).isZero();
    }

    /**
     * A run logs its heap ceiling: 70 % of the pod's 768 MiB (the runtime's native-image.properties), which the
     * executable reads from its cgroup, not the host's memory. The heap code is the runtime's, the same in every
     * stage: infer's no-op run shows it (its input is missing, so the run ends after the start). The infer image
     * is required, as {@link InferImageIT} requires it.
     */
    @Test
    void sizesItsHeapFromThePodsMemoryLimit() {
        assertThat(StageImagesIT.built("infer"))
                .as("the infer image among the images under test (imageTests.stages)")
                .isTrue();
        StageImage image = new StageImage("infer", work);
        Podman.Result run = Podman.run(
                "run",
                "--rm",
                "--read-only",
                "--memory",
                "768m",
                "-v",
                image.data() + ":" + StageImage.DATA,
                "-e",
                "PODSTAGE_METRICS_ENABLED=false",
                StageImage.reference("infer"),
                "--input",
                "/data/none.jsonl",
                "--output",
                "/data/out.jsonl",
                "--endpoint",
                "http://127.0.0.1:9",
                "--protocol",
                "inputs");
        Matcher heap = Pattern.compile("heap up to (\\d+) MiB").matcher(run.stdout() + run.stderr());
        assertThat(heap.find()).as(run.stdout() + run.stderr()).isTrue();
        assertThat(Long.parseLong(heap.group(1))).isBetween(530L, 540L);
    }
}
