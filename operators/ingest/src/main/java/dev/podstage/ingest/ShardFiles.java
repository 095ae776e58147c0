package dev.podstage.ingest;

import dev.podstage.runtime.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The shard files of a run: {@code shard-00003-of-00008.jsonl} in the output directory, every one of
 * the N written (an empty shard as an empty file, so no file of an earlier run with the same N
 * survives with stale records), each atomically. At most {@value #MAX_OPEN} are open at once — a
 * thousand shards must not need a thousand file handles and buffers — so the spool is read once per
 * group of shards.
 */
final class ShardFiles {

    private static final Logger LOG = Logger.getLogger(ShardFiles.class);
    static final int MAX_OPEN = 128;
    private static final Pattern NAME = Pattern.compile("shard-(\\d{5})-of-(\\d{5})\\.jsonl");

    private ShardFiles() {}

    static String name(int index, int count) {
        return String.format(Locale.ROOT, "shard-%05d-of-%05d.jsonl", index, count);
    }

    static List<Path> paths(Path dir, int count) {
        List<Path> paths = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            paths.add(dir.resolve(name(i, count)));
        }
        return paths;
    }

    /** Writes the spooled records into {@code count} shards; the record count of each shard, by index. */
    static long[] write(Path dir, int count, Spool spool) throws IOException {
        long[] records = new long[count];
        for (int from = 0; from < count; from += MAX_OPEN) {
            int to = Math.min(count, from + MAX_OPEN);
            AtomicFile[] files = new AtomicFile[to - from];
            try {
                for (int i = from; i < to; i++) {
                    files[i - from] = AtomicFile.create(dir.resolve(name(i, count)));
                }
                int first = from;
                spool.forEach((hash, json) -> {
                    int shard = (int) Long.remainderUnsigned(hash, count);
                    if (shard >= first && shard < to) {
                        var writer = files[shard - first].writer();
                        writer.write(json);
                        writer.write('\n');
                        records[shard]++;
                    }
                });
                for (AtomicFile file : files) {
                    file.commit();
                }
            } catch (IOException | RuntimeException e) {
                for (AtomicFile file : files) {
                    if (file != null) {
                        abandonQuietly(file);
                    }
                }
                throw e;
            }
        }
        return records;
    }

    /** Removes shard files of another shard count (an earlier run with other settings); ours stay. */
    static void removeStale(Path dir, int count) {
        List<String> removed = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "shard-*-of-*.jsonl")) {
            for (Path file : files) {
                Matcher m = NAME.matcher(file.getFileName().toString());
                if (m.matches() && Integer.parseInt(m.group(2)) != count) {
                    Files.deleteIfExists(file);
                    removed.add(file.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tidy " + dir, e);
        }
        if (!removed.isEmpty()) {
            LOG.infof("removed %d shard files of an earlier run with another shard count", removed.size());
        }
    }

    private static void abandonQuietly(AtomicFile file) {
        try {
            file.abandon();
        } catch (RuntimeException ignored) {
            // Already failing; the temporary file has a hidden name and is replaced by the next attempt.
        }
    }
}
