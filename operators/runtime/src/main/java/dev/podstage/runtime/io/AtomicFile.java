package dev.podstage.runtime.io;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file that appears under its final name only when complete: written to a temporary name in the
 * same directory, fsync'd, then renamed. A killed or retried task never leaves a half file where a
 * reader would take it as whole.
 *
 * <p>A <em>resumable</em> file keeps its temporary name ({@code .<name>.partial}) deterministic and
 * survives {@link #suspend()}, so a rerun appends to the work a previous run already paid for.
 */
public final class AtomicFile implements Closeable {

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream bytes;
    private final BufferedWriter writer;
    private boolean open = true;

    private AtomicFile(Path target, Path temp, boolean append) throws IOException {
        this.target = target;
        this.temp = temp;
        Files.createDirectories(target.toAbsolutePath().getParent());
        this.channel = append
                ? FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                : FileChannel.open(
                        temp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
        this.bytes = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        this.writer = new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), 1 << 16);
    }

    /** A fresh temporary file; whatever an earlier attempt left there is discarded. */
    public static AtomicFile create(Path target) {
        try {
            return new AtomicFile(target, tempFor(target, "tmp"), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + target, e);
        }
    }

    /** Appends to the partial file an interrupted run left (see {@link #partialOf(Path)}), if any. */
    public static AtomicFile resume(Path target) {
        try {
            return new AtomicFile(target, partialOf(target), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + partialOf(target), e);
        }
    }

    /** Where a resumable output keeps its work until it is complete. */
    public static Path partialOf(Path target) {
        return tempFor(target, "partial");
    }

    private static Path tempFor(Path target, String suffix) {
        Path abs = target.toAbsolutePath();
        return abs.getParent().resolve("." + abs.getFileName() + "." + suffix);
    }

    /** Text, written as UTF-8. Use it or {@link #stream()}, not both. */
    public Writer writer() {
        return writer;
    }

    /**
     * Bytes, for writers that encode UTF-8 themselves (a Jackson UTF-8 generator): no char-to-byte
     * step, which was a tenth of a cached infer run's main thread. Use it or {@link #writer()}, not both.
     */
    public OutputStream stream() {
        return bytes;
    }

    public Path target() {
        return target;
    }

    /** Pushes buffered lines to the OS, so a killed process loses at most the line being written. */
    public void flush() {
        try {
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + temp, e);
        }
    }

    /** Makes the file durable and visible under its final name. */
    public void commit() {
        try {
            writer.flush();
            channel.force(true);
            close();
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDirectory(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit " + target, e);
        }
    }

    /** Keeps the partial work durable under its temporary name for a later run to resume. */
    public void suspend() {
        try {
            writer.flush();
            channel.force(true);
            close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save partial work in " + temp, e);
        }
    }

    /** Throws the temporary file away. */
    public void abandon() {
        try {
            close();
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + temp, e);
        }
    }

    @Override
    public void close() throws IOException {
        if (open) {
            open = false;
            writer.close();
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Some filesystems cannot fsync a directory; the rename itself is still atomic.
        }
    }
}
