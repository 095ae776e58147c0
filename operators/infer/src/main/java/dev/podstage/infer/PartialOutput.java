package dev.podstage.infer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.podstage.runtime.io.AtomicFile;
import dev.podstage.runtime.io.Json;

/**
 * Resumes the work an interrupted run of the same job (same job key) saved in the output's partial
 * file: the records already answered — and paid for — are kept and skipped on the rerun. A partial
 * file of another job, or one that cannot be read, is discarded. A line cut off by a kill is
 * dropped (its record is simply asked again).
 */
final class PartialOutput {

    private static final Logger LOG = Logger.getLogger(PartialOutput.class);

    /** The open output, plus what it already holds: ids (with multiplicity), record count and their cost. */
    record Resumed(AtomicFile file, Map<String, Integer> ids, long records, double costUsd) {
    }

    private PartialOutput() {
    }

    static Resumed open(Path output, String jobKey) {
        Path partial = AtomicFile.partialOf(output);
        Path marker = partial.resolveSibling(partial.getFileName() + ".job");
        try {
            if (Files.exists(partial) && Files.exists(marker) && Files.readString(marker).trim().equals(jobKey)) {
                Resumed resumed = read(output, partial);
                if (resumed != null) {
                    LOG.infof("resuming: %d records already answered by an earlier attempt are kept", resumed.records());
                    return resumed;
                }
            }
            Files.deleteIfExists(partial);
            Files.createDirectories(partial.getParent());
            Files.writeString(marker, jobKey + "\n", StandardCharsets.UTF_8);
            return new Resumed(AtomicFile.resume(output), new HashMap<>(), 0, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + partial, e);
        }
    }

    /** Removes the job marker once the output is committed. */
    static void finished(Path output) {
        Path partial = AtomicFile.partialOf(output);
        try {
            Files.deleteIfExists(partial.resolveSibling(partial.getFileName() + ".job"));
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
        return new Resumed(AtomicFile.resume(output), ids, records, cost);
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
