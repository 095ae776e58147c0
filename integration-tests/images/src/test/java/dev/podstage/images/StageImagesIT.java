package dev.podstage.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every stage image does the same way: help, and bad configuration surfacing as exit 2. */
class StageImagesIT {

    @TempDir
    Path work;

    static Stream<String> stages() {
        return ImageHygieneIT.stages();
    }

    @ParameterizedTest
    @MethodSource("stages")
    void helpListsTheSharedOptions(String stage) {
        Podman.Result result = new StageImage(stage, work).run("--help");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("Usage: " + stage, "--output", "PODSTAGE_MAX_REJECT_RATIO");
    }

    @ParameterizedTest
    @MethodSource("stages")
    void anOutOfRangeSharedSettingExitsTwoNamingTheKey(String stage) throws Exception {
        // The shared settings are checked before the stage's own: no other option is needed.
        StageImage image = new StageImage(stage, work).env("PODSTAGE_MAX_REJECT_RATIO", "2");
        Podman.Result result = image.run("--output", "/data/out");
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isEqualTo(2);
        assertThat(result.stdout() + result.stderr()).contains("podstage.max-reject-ratio");
    }

    static boolean built(String stage) {
        return Arrays.asList(System.getProperty("podstage.image-stages", "").split(","))
                .contains(stage);
    }
}
