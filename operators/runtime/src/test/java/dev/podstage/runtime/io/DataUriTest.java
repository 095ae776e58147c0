package dev.podstage.runtime.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podstage.runtime.config.ConfigProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataUriTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryHasTheSameUriBeforeAndAfterItExists() throws Exception {
        Path out = dir.resolve("out");
        String before = DataUri.toUri(out);
        Files.createDirectories(out);

        assertThat(DataUri.toUri(out)).isEqualTo(before).endsWith("/out").startsWith("file:///");
        assertThat(DataUri.toUri(dir.resolve("a/../out"))).isEqualTo(before);
    }

    @Test
    void filesAndTheRoot() throws Exception {
        Path file = Files.writeString(dir.resolve("in put.jsonl"), "{}\n");

        assertThat(DataUri.toUri(file)).endsWith("/in%20put.jsonl");
        assertThat(DataUri.toPath("podstage.input", DataUri.toUri(file))).isEqualTo(file);
        assertThat(DataUri.toUri(Path.of("/"))).isEqualTo("file:///");
    }

    @Test
    void plainPathsAndFileUrisAreAcceptedOtherSchemesAreNot() {
        assertThat(DataUri.toPath("podstage.input", "data/in.jsonl")).isEqualTo(Path.of("data/in.jsonl"));
        assertThat(DataUri.toPath("podstage.input", "file:///tmp/in.jsonl")).isEqualTo(Path.of("/tmp/in.jsonl"));
        assertThatThrownBy(() -> DataUri.toPath("podstage.input", "s3://bucket/in.jsonl"))
                .isInstanceOf(ConfigProblem.class)
                .hasMessageContaining("podstage.input");
    }
}
