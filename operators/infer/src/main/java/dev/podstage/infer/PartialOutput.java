package dev.podstage.infer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.runtime.io.AtomicFile;
import dev.podstage.runtime.io.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Resumes the work an interrupted run of the same job (same job key) saved in the output's partial
 * file: the records already answered — and paid for — are kept and skipped on the rerun. A partial
 * file of another job, or one that cannot be read, is discarded. A line cut off by a kill is
 * dropped (its record is simply asked again). The job key sits in a marker beside the partial file,
 * written by {@link #mark} once the run knows its key (it may ask for it late, see
 * {@link dev.podstage.runtime.stage.JobKey}); a partial file without one is not resumed.
 */
final class PartialOutput {

    private static final Logger LOG = Logger.getLogger(PartialOutput.class);

    /**
     * The open output, plus what it already holds: ids (with multiplicity), record count and their
     * cost; {@code marked} when the marker already holds this job's key.
     */
    record Resumed(AtomicFile file, Map<String, Integer> ids, long records, double costUsd, boolean marked) {}

    private PartialOutput() {}

    /**
     * Opens the output, resuming an earlier attempt's partial file when its marker holds this job's
     * key. {@code jobKey} is asked only then: with no partial file to match there is nothing to
     * compare, and the run marks its partial file later.
     */
    static Resumed open(Path output, Supplier<String> jobKey) {
        Path partial = AtomicFile.partialOf(output);
        Path marker = markerOf(output);
        try {
            if (Files.exists(partial)
                    && Files.exists(marker)
                    && Files.readString(marker).trim().equals(jobKey.get())) {
                Resumed resumed = read(output, partial);
                if (resumed != null) {
                    LOG.infof(
                            "resuming: %d records already answered by an earlier attempt are kept", resumed.records());
                    return resumed;
                }
            }
            Files.deleteIfExists(marker); // before the partial file: a marker never vouches for another run's records
            Files.deleteIfExists(partial);
            Files.createDirectories(partial.getParent());
            return new Resumed(AtomicFile.resume(output), new HashMap<>(), 0, 0, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + partial, e);
        }
    }

    /** Records the job key beside the partial file: from now on a rerun of the same job resumes it. */
    static void mark(Path output, String jobKey) {
        try {
            Files.writeString(markerOf(output), jobKey + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the job marker of " + output, e);
        }
    }

    private static Path markerOf(Path output) {
        Path partial = AtomicFile.partialOf(output);
        return partial.resolveSibling(partial.getFileName() + ".job");
    }

    /** Removes the job marker once the output is committed. */
    static void finished(Path output) {
        try {
            Files.deleteIfExists(markerOf(output));
        } catch (IOException e) {
            LOG.debugf("cannot remove the job marker of %s: %s", output, e.getMessage());
        }
    }

    private static Resumed read(Path output, Path partial) throws IOException {
        truncateToLastLine(partial);
        Map<String, Integer> ids = new HashMap<>();
        long records = 0;
        double cost = 0;
        try (BufferedReader reader = Files.newBufferedReader(partial, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = Json.MAPPER.readTree(line);
                String id = node.path("id").asText(null);
                if (id == null) {
                    return null;
                }
                ids.merge(id, 1, Integer::sum);
                cost += node.path("usage").path("cost_usd").asDouble(0);
                records++;
            }
        } catch (IOException e) {
            LOG.warnf("discarding an unreadable partial output %s: %s", partial, e.getMessage());
            return null;
        }
        return new Resumed(AtomicFile.resume(output), ids, records, cost, true);
    }

    private static void truncateToLastLine(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long end = raf.length();
            while (end > 0) {
                raf.seek(end - 1);
                if (raf.read() == '\n') {
                    break;
                }
                end--;
            }
            raf.setLength(end);
        }
    }
}
