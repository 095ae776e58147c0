package dev.podstage.runtime.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import dev.podstage.runtime.stage.StageException;

/** Facts about input files that the lifecycle needs before any work: existence, digest, line count. */
public final class StageInputs {

    private StageInputs() {
    }

    /** sha256 of the file's bytes, streamed: part of the job key. */
    public static String digest(Path path) {
        MessageDigest sha = CanonicalJson.newSha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(path)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw unreadable(path, e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Number of non-empty lines: the "total" that progress and ETA are measured against. */
    public static long countLines(Path path) {
        long count = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(path)) {
            int n;
            byte last = '\n';
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n' && last != '\n') {
                        count++;
                    }
                    last = buffer[i];
                }
            }
            if (last != '\n') {
                count++;
            }
        } catch (IOException e) {
            throw unreadable(path, e);
        }
        return count;
    }

    static StageException unreadable(Path path, IOException e) {
        return StageException.inputData("cannot read input " + path + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
}
