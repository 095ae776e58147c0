package dev.podstage.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.Services;
import dev.podstage.testkit.StageProcess;

/** The content-hash cache on the real Redis ({@code scripts/services.sh start}). */
class EmbedCacheIT extends EmbedTestBase {

    @BeforeAll
    static void redisIsUp() {
        Services.requireRedis();
    }

    private StageProcess cached(String... args) {
        return embed(args).env("PODSTAGE_REDIS_URL", Services.redisUrl());
    }

    @Test
    void aRerunOfUnchangedChunksComputesNoVectorAndWritesTheSameVectors() {
        JsonLines.write(input(), 80, i -> Map.of("id", "c" + i, "text", "section " + i + " of handbook " + tag));

        StageProcess.Result cold = cached("--batch-size", "16").run();
        assertThat(cold.exitCode()).as(cold.toString()).isZero();
        JsonNode coldMetrics = cold.xcom().path("metrics");
        assertThat(coldMetrics.path("vectors_computed").asLong()).isEqualTo(80);
        assertThat(coldMetrics.path("cache_hits").asLong()).isZero();
        Map<String, float[]> first = vectorsById(output());
        assertThat(Services.redisEntries("podstage:embed:*").keySet())
                .as("one entry per text, keyed by content").hasSizeGreaterThanOrEqualTo(80);

        StageProcess.Result warm = cached("--batch-size", "16").run();

        assertThat(warm.exitCode()).as(warm.toString()).isZero();
        JsonNode m = warm.xcom().path("metrics");
        assertThat(m.path("vectors_computed").asLong()).isZero();
        assertThat(m.path("batches").asLong()).isZero();
        assertThat(m.path("cache_hits").asLong()).isEqualTo(80);
        assertThat(m.path("model_loaded").asBoolean(true)).as("nothing to compute: the model is never loaded").isFalse();
        assertThat(warm.logs()).doesNotContain("loaded on");
        List<JsonNode> records = JsonLines.read(output());
        assertThat(records).hasSize(80).allSatisfy(r -> assertThat(r.path("cached").asBoolean()).isTrue());
        Map<String, float[]> second = vectorsById(output());
        assertThat(second.keySet()).isEqualTo(first.keySet());
        first.forEach((id, v) -> assertThat(second.get(id)).as(id).containsExactly(v));
    }

    @Test
    void onlyChangedAndNewChunksAreComputed() throws Exception {
        JsonLines.write(input(), 40, i -> Map.of("id", "c" + i, "text", "paragraph " + i + " " + tag));
        assertThat(cached().run().exitCode()).isZero();

        JsonLines.write(input(), 43, i -> Map.of("id", "c" + i,
                "text", i == 5 || i == 6 ? "edited paragraph " + i + " " + tag : "paragraph " + i + " " + tag));
        StageProcess.Result run = cached().run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode m = run.xcom().path("metrics");
        assertThat(m.path("vectors_computed").asLong()).isEqualTo(5);
        assertThat(m.path("cache_hits").asLong()).isEqualTo(38);
        List<JsonNode> records = JsonLines.read(output());
        assertThat(records.stream().filter(r -> !r.path("cached").asBoolean()).map(r -> r.path("id").asText()))
                .containsExactlyInAnyOrder("c5", "c6", "c40", "c41", "c42");
    }

    @Test
    void identicalTextsInOneRunAreComputedOnce() {
        JsonLines.write(input(), 30, i -> Map.of("id", "c" + i, "text", "boilerplate footer " + (i % 3) + " " + tag));

        StageProcess.Result run = cached().run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode m = run.xcom().path("metrics");
        assertThat(m.path("vectors_computed").asLong()).isEqualTo(3);
        assertThat(m.path("deduplicated").asLong()).isEqualTo(27);
        Map<String, float[]> v = vectorsById(output());
        assertThat(v.get("c4")).containsExactly(v.get("c1"));
    }

    @Test
    void unreachableRedisMeansUncachedNotFailed() {
        JsonLines.texts(input(), 10, "no redis " + tag);

        StageProcess.Result run = embed().env("PODSTAGE_REDIS_URL", "redis://127.0.0.1:1").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.read(output())).hasSize(10);
        assertThat(run.logs().split("cache unavailable", -1)).as("said once").hasSize(2);
        assertThat(run.xcom().path("metrics").path("cache_available").asBoolean(true)).isFalse();
        assertThat(run.xcom().path("metrics").path("vectors_computed").asLong()).isEqualTo(10);
    }

    @Test
    void sigtermExits75WithoutOutputAndTheRetryReusesWhatWasComputed() throws Exception {
        int n = 3000;
        JsonLines.write(input(), n, i -> Map.of("id", "c" + i, "text", "interrupted chunk number " + i + " " + tag));
        StageProcess.Running running = cached("--progress-interval", "100ms").start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!wroteSomething() && running.alive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(running.alive()).as("still working when the signal comes").isTrue();

        running.terminate();
        StageProcess.Result interrupted = running.await(Duration.ofSeconds(60));

        assertThat(interrupted.exitCode()).as(interrupted.toString()).isEqualTo(75);
        assertThat(interrupted.logs()).contains("stopped by SIGTERM");
        assertThat(output()).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(f -> f.startsWith(".out.jsonl"));
        }

        StageProcess.Result retry = cached().run();

        assertThat(retry.exitCode()).as(retry.toString()).isZero();
        JsonNode m = retry.xcom().path("metrics");
        assertThat(m.path("cache_hits").asLong()).as("vectors computed before SIGTERM are reused").isPositive();
        assertThat(m.path("vectors_computed").asLong()).isEqualTo(n - m.path("cache_hits").asLong());
        assertThat(JsonLines.ids(output())).hasSize(n).doesNotHaveDuplicates();
    }

    /** A progress line with at least one record written (the stage logs to files in the test's directory). */
    private boolean wroteSomething() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path log : files.filter(p -> p.getFileName().toString().matches("std(out|err).*\\.log")).toList()) {
                if (Files.readString(log).matches("(?s).*embed: [1-9]\\d*/\\d+.*")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Map<String, float[]> vectorsById(Path file) {
        Map<String, float[]> vectors = new HashMap<>();
        JsonLines.read(file).forEach(r -> vectors.put(r.path("id").asText(), vector(r)));
        return vectors;
    }
}
