package dev.podstage.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.testkit.JsonLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ingest and preprocess images do a real small run as a pod would, and bad input exits 3. */
class TextStagesImageIT {

    @TempDir
    Path work;

    @Test
    void ingestShardsIntoTheDataVolume() throws Exception {
        assumeTrue(StageImagesIT.built("ingest"), "ingest image not in podstage.image-stages");
        StageImage image = new StageImage("ingest", work);
        JsonLines.texts(image.data().resolve("in.jsonl"), 30, "document");
        Podman.Result result = image.run("--input", "/data/in.jsonl", "--output", "/data/shards", "--shards", "3");
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        JsonNode xcom = JsonLines.MAPPER.readTree(image.xcomFile().toFile());
        assertThat(xcom.path("records_out").asLong()).isEqualTo(30);
        long records = 0;
        for (JsonNode shard : xcom.path("shards")) {
            assertThat(shard.asText()).startsWith("file:///data/shards/shard-");
            records += JsonLines.read(image.data()
                            .resolve("shards")
                            .resolve(Path.of(shard.asText()).getFileName()))
                    .size();
        }
        assertThat(records).isEqualTo(30);
    }

    @Test
    void preprocessChunksAndBadInputExitsThree() throws Exception {
        assumeTrue(StageImagesIT.built("preprocess"), "preprocess image not in podstage.image-stages");
        StageImage image = new StageImage("preprocess", work);
        JsonLines.write(
                image.data().resolve("in.jsonl"),
                5,
                i -> java.util.Map.of("id", "d" + i, "text", "<p>Hello <b>world</b> number " + i + ".</p>"));
        Podman.Result ok = image.run("--input", "/data/in.jsonl", "--output", "/data/chunks.jsonl", "--strip", "html");
        assertThat(ok.exitCode()).as(ok.stdout() + ok.stderr()).isZero();
        List<JsonNode> chunks = JsonLines.read(image.data().resolve("chunks.jsonl"));
        assertThat(chunks).hasSize(5);
        assertThat(chunks.get(0).path("text").asText()).doesNotContain("<p>").contains("Hello world");

        Files.writeString(image.data().resolve("bad.jsonl"), "not json\n\u0000\u0001\u0002\n{\"id\":\"x\"}\n");
        Podman.Result bad = image.run("--input", "/data/bad.jsonl", "--output", "/data/bad-out.jsonl");
        assertThat(bad.exitCode()).as(bad.stdout() + bad.stderr()).isEqualTo(3);
        assertThat(image.data().resolve("bad-out.jsonl.rejects.jsonl")).exists();
    }
}
