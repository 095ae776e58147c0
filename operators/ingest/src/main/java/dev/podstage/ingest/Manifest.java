package dev.podstage.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.AtomicFile;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code _manifest.json} in the output directory, written after every shard is committed: the
 * shard set of the last complete run (names and record counts) and its job key. Its presence means
 * the set is whole, and it tells the ledger which files a completed job must still have.
 */
final class Manifest {

    static final String NAME = "_manifest.json";

    private Manifest() {}

    static Path path(Path dir) {
        return dir.resolve(NAME);
    }

    static void write(Path dir, String jobKey, long[] records) {
        ObjectNode manifest = Json.MAPPER.createObjectNode();
        manifest.put("job_key", jobKey);
        manifest.put("shard_count", records.length);
        long total = 0;
        ArrayNode shards = manifest.putArray("shards");
        for (int i = 0; i < records.length; i++) {
            ObjectNode shard = shards.addObject();
            shard.put("file", ShardFiles.name(i, records.length));
            shard.put("uri", DataUri.toUri(dir.resolve(ShardFiles.name(i, records.length))));
            shard.put("records", records[i]);
            total += records[i];
        }
        manifest.put("records", total);
        AtomicFile file = AtomicFile.create(path(dir));
        try {
            file.writer().write(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
            file.writer().write('\n');
            file.commit();
        } catch (IOException e) {
            file.abandon();
            throw new UncheckedIOException("cannot write " + path(dir), e);
        }
    }

    /** The manifest and the shard files it lists; only the manifest when it cannot be read. */
    static List<Path> files(Path dir) {
        List<Path> files = new ArrayList<>();
        Path manifest = path(dir);
        files.add(manifest);
        try {
            JsonNode node = Json.MAPPER.readTree(manifest.toFile());
            for (JsonNode shard : node.path("shards")) {
                files.add(dir.resolve(shard.path("file").asText()));
            }
        } catch (IOException e) {
            // Missing or unreadable: name a file that cannot exist, so the job is done again.
            files.add(dir.resolve(".unreadable-" + NAME));
        }
        return files;
    }
}
