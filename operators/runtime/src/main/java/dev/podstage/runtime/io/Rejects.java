package dev.podstage.runtime.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code <output>.rejects.jsonl}: one object per rejected line with {@code line}, {@code reason}
 * and the raw text (its first bytes when huge, escaped when not text). Written atomically with the
 * output; an earlier run's rejects file is replaced, never appended to.
 */
public final class Rejects implements AutoCloseable {

    static final int MAX_RAW_CHARS = 4096;

    private final Path path;
    private AtomicFile file;
    private boolean committed;
    private long count;

    public Rejects(Path output) {
        this.path = pathFor(output);
    }

    public static Path pathFor(Path output) {
        Path abs = output.toAbsolutePath();
        return abs.getParent().resolve(abs.getFileName() + ".rejects.jsonl");
    }

    public synchronized void reject(long line, String reason, String raw) {
        ObjectNode entry = Json.MAPPER.createObjectNode();
        entry.put("line", line);
        entry.put("reason", reason);
        entry.put("raw", raw.length() > MAX_RAW_CHARS ? raw.substring(0, MAX_RAW_CHARS) : raw);
        if (raw.length() > MAX_RAW_CHARS) {
            entry.put("raw_truncated", true);
        }
        write(entry);
    }

    /** For lines that are not text: the first bytes, decoded leniently (bad bytes become U+FFFD). */
    public void reject(long line, String reason, byte[] bytes, int length) {
        reject(line, reason, new String(bytes, 0, Math.min(length, MAX_RAW_CHARS), StandardCharsets.UTF_8));
    }

    private void write(ObjectNode entry) {
        try {
            if (file == null) {
                file = AtomicFile.create(path);
            }
            file.writer().write(Json.MAPPER.writeValueAsString(entry));
            file.writer().write('\n');
            count++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    public synchronized long count() {
        return count;
    }

    public Path path() {
        return path;
    }

    /** Publishes the rejects file, or removes a stale one when this run rejected nothing. */
    public synchronized void commit() {
        committed = true;
        if (file != null) {
            file.commit();
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove stale " + path, e);
        }
    }

    /** Without a commit the rejects of an unfinished run are dropped: the rerun rejects the same lines again. */
    @Override
    public synchronized void close() {
        if (file != null && !committed) {
            file.abandon();
        }
    }
}
