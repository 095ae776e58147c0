package dev.podstage.embed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.testkit.Eventually;
import dev.podstage.testkit.HoldingProxy;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.Services;
import dev.podstage.testkit.StageProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
                .as("one entry per text, keyed by content")
                .hasSizeGreaterThanOrEqualTo(80);

        StageProcess.Result warm = cached("--batch-size", "16").run();

        assertThat(warm.exitCode()).as(warm.toString()).isZero();
        JsonNode m = warm.xcom().path("metrics");
        assertThat(m.path("vectors_computed").asLong()).isZero();
        assertThat(m.path("batches").asLong()).isZero();
        assertThat(m.path("cache_hits").asLong()).isEqualTo(80);
        assertThat(m.path("model_loaded").asBoolean(true))
                .as("nothing to compute: the model is never loaded")
                .isFalse();
        assertThat(warm.logs()).doesNotContain("loaded on");
        List<JsonNode> records = JsonLines.read(output());
        assertThat(records)
                .hasSize(80)
                .allSatisfy(r -> assertThat(r.path("cached").asBoolean()).isTrue());
        Map<String, float[]> second = vectorsById(output());
        assertThat(second.keySet()).isEqualTo(first.keySet());
        first.forEach((id, v) -> assertThat(second.get(id)).as(id).containsExactly(v));
    }

    @Test
    void onlyChangedAndNewChunksAreComputed() throws Exception {
        JsonLines.write(input(), 40, i -> Map.of("id", "c" + i, "text", "paragraph " + i + " " + tag));
        assertThat(cached().run().exitCode()).isZero();

        JsonLines.write(
                input(),
                43,
                i -> Map.of(
                        "id",
                        "c" + i,
                        "text",
                        i == 5 || i == 6 ? "edited paragraph " + i + " " + tag : "paragraph " + i + " " + tag));
        StageProcess.Result run = cached().run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode m = run.xcom().path("metrics");
        assertThat(m.path("vectors_computed").asLong()).isEqualTo(5);
        assertThat(m.path("cache_hits").asLong()).isEqualTo(38);
        List<JsonNode> records = JsonLines.read(output());
        assertThat(records.stream()
                        .filter(r -> !r.path("cached").asBoolean())
                        .map(r -> r.path("id").asText()))
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
    void aStageThatStopsAtOnceLeavesNoRedisErrorInItsLog() {
        // The Redis connection is opened ahead as the application starts; a run that ends before it is up
        // closes it under the early PING.
        StageProcess.Result run = cached().run(); // no input file: exit 3 (bad input) straight away

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.logs()).doesNotContain("RedisConnectionManager").doesNotContain("\tat ");
    }

    @Test
    void unreachableRedisMeansUncachedNotFailed() {
        JsonLines.texts(input(), 10, "no redis " + tag);

        StageProcess.Result run =
                embed().env("PODSTAGE_REDIS_URL", "redis://127.0.0.1:1").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.read(output())).hasSize(10);
        assertThat(run.logs().split("cache unavailable", -1)).as("said once").hasSize(2);
        assertThat(run.xcom().path("metrics").path("cache_available").asBoolean(true))
                .isFalse();
        assertThat(run.xcom().path("metrics").path("vectors_computed").asLong()).isEqualTo(10);
    }

    /**
     * The run is held at its third cache lookup, whatever the machine's speed: its Redis is a proxy that holds
     * the third MGET. 256 records per lookup (batch 16 × 2 threads × 4): the first chunk is written, the second
     * computed, the third waits for its lookup when the signal comes; then the lookup is let through.
     */
    @Test
    void sigtermExits75WithoutOutputAndTheRetryReusesWhatWasComputed() throws Exception {
        int n = 3000;
        JsonLines.write(input(), n, i -> Map.of("id", "c" + i, "text", "interrupted chunk number " + i + " " + tag));
        StageProcess.Result interrupted;
        URI redis = URI.create(Services.redisUrl());
        try (HoldingProxy proxy = HoldingProxy.to(redis.getHost(), redis.getPort(), "MGET", 3)) {
            StageProcess.Running running = cached(
                            "--progress-interval", "100ms", "--batch-size", "16", "--threads", "2")
                    .env("PODSTAGE_REDIS_URL", "redis://127.0.0.1:" + proxy.port() + redis.getPath())
                    .env("PODSTAGE_CACHE_TIMEOUT", "10m") // the held lookup must not turn the cache off
                    .start();
            proxy.awaitHolding(Duration.ofSeconds(90));
            assertThat(running.alive()).as("held at its third lookup").isTrue();

            running.terminate();
            Eventually.await(
                    "the stage taking the signal",
                    () -> running.logsSoFar().contains("SIGTERM received"),
                    Duration.ofSeconds(60));
            proxy.release();
            interrupted = running.await(Duration.ofSeconds(60));
        }

        assertThat(interrupted.exitCode()).as(interrupted.toString()).isEqualTo(75);
        assertThat(interrupted.logs()).contains("stopped by SIGTERM");
        assertThat(output()).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(f -> f.startsWith(".out.jsonl"));
        }

        StageProcess.Result retry = cached().run();

        assertThat(retry.exitCode()).as(retry.toString()).isZero();
        JsonNode m = retry.xcom().path("metrics");
        assertThat(m.path("cache_hits").asLong())
                .as("vectors computed before SIGTERM are reused")
                .isPositive();
        assertThat(m.path("vectors_computed").asLong())
                .isEqualTo(n - m.path("cache_hits").asLong());
        assertThat(JsonLines.ids(output())).hasSize(n).doesNotHaveDuplicates();
    }

    /** A progress line with at least one record written (the stage logs to files in the test's directory). */
    private boolean wroteSomething() {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path log : files.filter(p -> p.getFileName().toString().matches("std(out|err).*\\.log"))
                    .toList()) {
                if (Files.readString(log).matches("(?s).*embed: [1-9]\\d*/\\d+.*")) {
                    return true;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return false;
    }

    private static Map<String, float[]> vectorsById(Path file) {
        Map<String, float[]> vectors = new HashMap<>();
        JsonLines.read(file).forEach(r -> vectors.put(r.path("id").asText(), vector(r)));
        return vectors;
    }
}
