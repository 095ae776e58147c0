package dev.podstage.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** Each test: a temp directory with inputs under {@code in/} and the shards in {@code out/}. */
abstract class IngestTestBase {

    @TempDir
    Path dir;

    Path in(String name) {
        return dir.resolve("in").resolve(name);
    }

    Path out() {
        return dir.resolve("out");
    }

    Path rejectsFile() {
        return dir.resolve("out.rejects.jsonl");
    }

    private int runs;

    /** The stage with {@code --output out}; inputs and the rest come from {@code args}. */
    StageProcess ingest(String... args) {
        return ingestTo(out(), args);
    }

    /**
     * The stage writing to {@code output}. Each run gets a work directory (so an XCom file) of its
     * own: a result's XCom is read when asked for, and must not be the next run's.
     */
    StageProcess ingestTo(Path output, String... args) {
        return StageProcess.of(dir.resolve("run-" + ++runs))
                .args("--output", output.toString())
                .args(args);
    }

    /** Every record of the run's non-empty shards (as listed in its XCom), by shard index. */
    static Map<Integer, List<JsonNode>> shards(StageProcess.Result run) {
        Map<Integer, List<JsonNode>> shards = new LinkedHashMap<>();
        for (JsonNode uri : run.xcom().path("shards")) {
            Path file = Path.of(URI.create(uri.asText()));
            int index = Integer.parseInt(file.getFileName().toString().substring(6, 11));
            shards.put(index, JsonLines.read(file));
        }
        return shards;
    }

    /** id → shard index. */
    static Map<String, Integer> shardOfEachId(StageProcess.Result run) {
        Map<String, Integer> where = new LinkedHashMap<>();
        shards(run)
                .forEach((index, records) ->
                        records.forEach(r -> where.put(r.path("id").asText(), index)));
        return where;
    }

    static List<JsonNode> allRecords(StageProcess.Result run) {
        List<JsonNode> all = new ArrayList<>();
        shards(run).values().forEach(all::addAll);
        return all;
    }
}
