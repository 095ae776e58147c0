package dev.podstage.ingest;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The accepted records between reading and sharding: with {@code --shard-size} the shard count is
 * known only once every record is read, so each record is written here once (its shard hash and
 * its JSON line) and dealt out to the shards afterwards without parsing it again. A hidden file in
 * the output directory, removed when the run ends.
 */
final class Spool implements Closeable {

    /** Called for each spooled record: its shard hash and its JSON text. */
    interface Visitor {
        void record(long shardHash, String json) throws IOException;
    }

    private final Path file;
    private DataOutputStream out;
    private long records;

    Spool(Path dir) {
        this.file = dir.resolve(".ingest-spool");
        try {
            Files.createDirectories(dir);
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }

    void add(long shardHash, byte[] json) {
        try {
            out.writeLong(shardHash);
            out.writeInt(json.length);
            out.write(json);
            records++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    long records() {
        return records;
    }

    /** Ends writing; the spool can then be read any number of times. */
    void seal() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    void forEach(Visitor visitor) throws IOException {
        byte[] buffer = new byte[1024];
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            for (long i = 0; i < records; i++) {
                long hash = in.readLong();
                int length = in.readInt();
                if (length > buffer.length) {
                    buffer = new byte[Math.max(length, buffer.length * 2)];
                }
                in.readFully(buffer, 0, length);
                visitor.record(hash, new String(buffer, 0, length, java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (EOFException e) {
            throw new IOException("spool " + file + " ended early", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }
}
