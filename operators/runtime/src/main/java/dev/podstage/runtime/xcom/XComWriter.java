package dev.podstage.runtime.xcom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.AtomicFile;
import dev.podstage.runtime.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The two ways a pod talks back to Airflow: {@code return.json}, read by KubernetesPodOperator's
 * xcom sidecar on success, and {@code /dev/termination-log}, which Kubernetes shows as the
 * container's termination message on failure.
 */
public final class XComWriter {

    private static final int MAX_TERMINATION_MESSAGE = 4096; // Kubernetes keeps at most 4 KiB

    private final Path xcomPath;
    private final Path terminationLog;

    public XComWriter(Path xcomPath, Path terminationLog) {
        this.xcomPath = xcomPath;
        this.terminationLog = terminationLog;
    }

    /** Atomically, so the sidecar never reads half a document. */
    public void write(ObjectNode value) {
        AtomicFile file = AtomicFile.create(xcomPath);
        try {
            file.writer().write(Json.MAPPER.writeValueAsString(value));
            file.commit();
        } catch (JsonProcessingException e) {
            file.abandon();
            throw new IllegalStateException("XCom value is not JSON-serialisable", e);
        } catch (IOException e) {
            file.abandon();
            throw new UncheckedIOException("cannot write XCom to " + xcomPath, e);
        }
    }

    /** One line; only where the path is writable (it is in a pod, usually not on a laptop). */
    public void writeFailure(String reason) {
        if (terminationLog == null || !Files.isWritable(terminationLog)) {
            return;
        }
        String line = reason.replace('\n', ' ');
        if (line.length() > MAX_TERMINATION_MESSAGE - 1) {
            line = line.substring(0, MAX_TERMINATION_MESSAGE - 1);
        }
        try {
            Files.writeString(
                    terminationLog,
                    line + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException ignored) {
            // Best effort: the log line with the same reason has already been written.
        }
    }
}
