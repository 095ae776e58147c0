package dev.podstage.runtime.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    @TempDir
    Path dir;

    @Test
    void theTargetAppearsOnlyOnCommit() throws Exception {
        Path target = dir.resolve("out.jsonl");
        AtomicFile file = AtomicFile.create(target);
        file.writer().write("one\n");
        file.flush();
        assertThat(target).doesNotExist();

        file.commit();

        assertThat(Files.readString(target)).isEqualTo("one\n");
        assertThat(Files.list(dir).toList()).containsExactly(target);
    }

    @Test
    void suspendedWorkIsResumedByAppending() throws Exception {
        Path target = dir.resolve("out.jsonl");
        AtomicFile first = AtomicFile.resume(target);
        first.writer().write("a\n");
        first.suspend();
        assertThat(target).doesNotExist();
        assertThat(AtomicFile.partialOf(target)).exists();

        AtomicFile second = AtomicFile.resume(target);
        second.writer().write("b\n");
        second.commit();

        assertThat(Files.readString(target)).isEqualTo("a\nb\n");
        assertThat(AtomicFile.partialOf(target)).doesNotExist();
    }

    @Test
    void abandonLeavesNothingBehind() throws Exception {
        Path target = dir.resolve("out.jsonl");
        AtomicFile file = AtomicFile.create(target);
        file.writer().write("x");
        file.abandon();
        assertThat(Files.list(dir).toList()).isEmpty();
    }
}
