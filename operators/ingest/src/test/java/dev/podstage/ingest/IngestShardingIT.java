package dev.podstage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IngestShardingIT extends IngestTestBase {

    private Path records(String name, List<Integer> order) {
        return JsonLines.write(
                in(name), order.size(), i -> Map.of("id", "doc-" + order.get(i), "text", "text " + order.get(i)));
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(i);
        }
        return list;
    }

    @Test
    void theXComListsNonEmptyShardUrisInIndexOrderWithTheirCountsReadyForExpand() throws Exception {
        records("docs.jsonl", range(0, 200));

        StageProcess.Result run =
                ingest("--input", in("docs.jsonl").toString(), "--shards", "8").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode xcom = run.xcom();
        assertThat(xcom.path("stage").asText()).isEqualTo("ingest");
        assertThat(xcom.path("shard_count").asInt()).isEqualTo(8);
        JsonNode shards = xcom.path("shards");
        assertThat(shards.isArray()).isTrue();
        assertThat(shards).hasSize(8).allMatch(JsonNode::isTextual);
        for (int i = 0; i < 8; i++) {
            assertThat(shards.get(i).asText())
                    .startsWith("file:///")
                    .endsWith("/out/shard-0000" + i + "-of-00008.jsonl");
        }
        JsonNode counts = xcom.path("shard_records");
        assertThat(counts).hasSize(8).allMatch(c -> c.asLong() > 0);
        long sum = 0;
        for (int i = 0; i < 8; i++) {
            long inFile =
                    JsonLines.read(Path.of(URI.create(shards.get(i).asText()))).size();
            assertThat(counts.get(i).asLong()).isEqualTo(inFile);
            sum += inFile;
        }
        assertThat(sum).isEqualTo(200).isEqualTo(xcom.path("records_out").asLong());
        assertThat(xcom.path("records_in").asLong()).isEqualTo(200);
        assertThat(xcom.path("generated_ids").asLong()).isZero();
        assertThat(Path.of(URI.create(xcom.path("manifest").asText()))).exists();
    }

    @Test
    void everyRecordSitsInTheShardTheDocumentedRuleGivesIt() throws Exception {
        records("docs.jsonl", range(0, 300));

        StageProcess.Result run =
                ingest("--input", in("docs.jsonl").toString(), "--shards", "7").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        Map<String, Integer> where = shardOfEachId(run);
        assertThat(where).hasSize(300);
        where.forEach((id, shard) -> assertThat(shard).as(id).isEqualTo(Reference.shard(id, 7)));
    }

    @Test
    void aRerunWritesByteIdenticalShards() throws Exception {
        records("docs.jsonl", range(0, 150));
        StageProcess.Result first =
                ingest("--input", in("docs.jsonl").toString(), "--shards", "4").run();
        List<byte[]> before = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            before.add(Files.readAllBytes(out().resolve(ShardFiles.name(i, 4))));
        }

        StageProcess.Result second =
                ingest("--input", in("docs.jsonl").toString(), "--shards", "4").run();

        assertThat(first.exitCode()).isZero();
        assertThat(second.exitCode()).isZero();
        assertThat(second.xcom().path("shards")).isEqualTo(first.xcom().path("shards"));
        assertThat(second.xcom().path("job_key")).isEqualTo(first.xcom().path("job_key"));
        for (int i = 0; i < 4; i++) {
            assertThat(Files.readAllBytes(out().resolve(ShardFiles.name(i, 4)))).isEqualTo(before.get(i));
        }
    }

    @Test
    void theSameIdsLandInTheSameShardsWhateverTheFileOrderOrTheSourceFormat() throws Exception {
        List<Integer> ids = range(0, 120);
        records("a-first.jsonl", ids.subList(0, 60));
        records("b-second.jsonl", ids.subList(60, 120));
        StageProcess.Result ordered = ingest(
                        "--input",
                        in("a-first.jsonl").toString(),
                        "--input",
                        in("b-second.jsonl").toString(),
                        "--shards",
                        "5")
                .run();
        Map<String, Integer> expected = shardOfEachId(ordered);

        List<Integer> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new Random(3));
        records("shuffled.jsonl", shuffled);
        StageProcess.Result reordered = ingestTo(
                        dir.resolve("out2"), "--input", in("shuffled.jsonl").toString(), "--shards", "5")
                .run();

        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = ids.size() - 1; i >= 0; i--) {
            csv.append("doc-")
                    .append(ids.get(i))
                    .append(",text ")
                    .append(ids.get(i))
                    .append('\n');
        }
        Files.writeString(in("as.csv"), csv, StandardCharsets.UTF_8);
        StageProcess.Result fromCsv = ingestTo(
                        dir.resolve("out3"), "--input", in("as.csv").toString(), "--shards", "5")
                .run();

        assertThat(ordered.exitCode()).as(ordered.toString()).isZero();
        assertThat(reordered.exitCode()).as(reordered.toString()).isZero();
        assertThat(fromCsv.exitCode()).as(fromCsv.toString()).isZero();
        assertThat(expected).hasSize(120);
        assertThat(shardOfEachId(reordered)).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(shardOfEachId(fromCsv)).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void aShardSizeGivesCeilingOfRecordsOverSizeShards() {
        records("docs.jsonl", range(0, 95));

        StageProcess.Result run = ingest("--input", in("docs.jsonl").toString(), "--shard-size", "10")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.xcom().path("shard_count").asInt()).isEqualTo(10);
        assertThat(run.xcom().path("outputs")).hasSize(10);
        assertThat(allRecords(run)).hasSize(95);
    }

    @Test
    void emptyShardsAreWrittenButLeftOutOfTheExpandList() {
        records("docs.jsonl", range(0, 3));

        StageProcess.Result run =
                ingest("--input", in("docs.jsonl").toString(), "--shards", "16").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode xcom = run.xcom();
        int nonEmpty = xcom.path("shards").size();
        assertThat(nonEmpty).isBetween(1, 3);
        assertThat(xcom.path("shard_records")).hasSize(nonEmpty);
        assertThat(xcom.path("empty_shards").asInt()).isEqualTo(16 - nonEmpty);
        assertThat(xcom.path("outputs")).hasSize(16);
        for (int i = 0; i < 16; i++) {
            assertThat(out().resolve(ShardFiles.name(i, 16))).exists();
        }
        List<String> listed = new ArrayList<>();
        xcom.path("shards").forEach(s -> listed.add(s.asText()));
        assertThat(listed).isSorted();
    }

    @Test
    void aRunWithAnotherShardCountReplacesTheOldShardFiles() {
        records("docs.jsonl", range(0, 40));
        assertThat(ingest("--input", in("docs.jsonl").toString(), "--shards", "4")
                        .run()
                        .exitCode())
                .isZero();

        StageProcess.Result run =
                ingest("--input", in("docs.jsonl").toString(), "--shards", "2").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(out().resolve(ShardFiles.name(0, 4))).doesNotExist();
        assertThat(out().resolve(ShardFiles.name(0, 2))).exists();
    }

    @Test
    void moreShardsThanMaxMapLengthExits2NamingTheKeyAndWritesNothing() {
        records("docs.jsonl", range(0, 50));

        StageProcess.Result fixed = ingest(
                        "--input", in("docs.jsonl").toString(), "--shards", "20", "--max-map-length", "16")
                .run();
        StageProcess.Result bySize = ingest(
                        "--input", in("docs.jsonl").toString(), "--shard-size", "2", "--max-map-length", "20")
                .run();
        StageProcess.Result byEnv = ingest("--input", in("docs.jsonl").toString(), "--shard-size", "5")
                .env("PODSTAGE_INGEST_MAX_MAP_LENGTH", "8")
                .run();

        assertThat(fixed.exitCode()).as(fixed.toString()).isEqualTo(2);
        assertThat(fixed.logs()).contains("podstage.ingest.max-map-length=16").contains("max_map_length");
        assertThat(bySize.exitCode()).as(bySize.toString()).isEqualTo(2);
        assertThat(bySize.logs()).contains("25 shards").contains("podstage.ingest.max-map-length=20");
        assertThat(byEnv.exitCode()).as(byEnv.toString()).isEqualTo(2);
        assertThat(byEnv.logs())
                .contains("10 shards")
                .contains("podstage.ingest.max-map-length=8")
                .contains("--shard-size of at least 7");
        assertThat(out().resolve(Manifest.NAME)).doesNotExist();
        assertThat(fixed.xcomPath()).doesNotExist();
    }

    @Test
    void repeatedIdsKeepTheFirstOccurrenceAndCountTheRestAsDropped() throws Exception {
        Files.createDirectories(in(""));
        Files.write(
                in("dups.jsonl"),
                List.of(
                        "{\"id\":\"x\",\"text\":\"first x\"}",
                        "{\"id\":\"y\",\"text\":\"only y\"}",
                        "{\"id\":\"x\",\"text\":\"second x\"}",
                        "{\"id\":\"x\",\"text\":\"third x\"}"));

        StageProcess.Result run =
                ingest("--input", in("dups.jsonl").toString(), "--shards", "2").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<JsonNode> records = allRecords(run);
        assertThat(records).extracting(r -> r.path("id").asText()).containsExactlyInAnyOrder("x", "y");
        assertThat(records)
                .filteredOn(r -> r.path("id").asText().equals("x"))
                .extracting(r -> r.path("text").asText())
                .containsExactly("first x");
        JsonNode xcom = run.xcom();
        assertThat(xcom.path("records_in").asLong()).isEqualTo(4);
        assertThat(xcom.path("records_out").asLong()).isEqualTo(2);
        assertThat(xcom.path("dropped").asLong()).isEqualTo(2);
        assertThat(xcom.path("duplicate_ids").asLong()).isEqualTo(2);
        assertThat(run.logs()).contains("duplicate id 'x'");
    }
}
