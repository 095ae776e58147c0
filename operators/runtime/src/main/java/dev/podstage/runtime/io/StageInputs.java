package dev.podstage.runtime.io;

import dev.podstage.runtime.stage.InputRejectedException;
import dev.podstage.runtime.stage.StageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about input files that the lifecycle needs before any work: digest and line count. */
public final class StageInputs {

    private StageInputs() {}

    /** An input's sha256 (part of the job key) and its non-empty line count (what progress measures against). */
    public record Scan(String digest, long lines) {}

    /** One streamed pass over the file for both facts: the input is not read twice before the work starts. */
    public static Scan scan(Path path) {
        Sha256 sha = new Sha256();
        long lines = 0;
        byte last = '\n';
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(path)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n' && last != '\n') {
                        lines++;
                    }
                    last = buffer[i];
                }
            }
        } catch (IOException e) {
            throw unreadable(path, e);
        }
        if (last != '\n') {
            lines++;
        }
        return new Scan(sha.hex(), lines);
    }

    static StageException unreadable(Path path, IOException e) {
        return new InputRejectedException("cannot read input " + path + ": "
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
}
