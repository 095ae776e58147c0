package dev.podstage.infer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.runtime.config.MappingKey;
import dev.podstage.runtime.config.MappingKeys;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.Services;
import dev.podstage.testkit.StageProcess;
import dev.podstage.testkit.StatsdCatcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InferContractIT extends InferTestBase {

    @Test
    void malformedInputLinesLandInRejectsWithLineNumbersAndReasons() throws Exception {
        Files.write(
                input(),
                List.of(
                        "{\"id\":\"a\",\"text\":\"fine\"}",
                        "this is not json",
                        "[1,2,3]",
                        "{\"text\":\"no id\"}",
                        "{\"id\":\"b\"}",
                        "{\"id\":\"c\",\"text\":\"also fine\"}"));
        Files.write(
                input(),
                new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'},
                java.nio.file.StandardOpenOption.APPEND);

        StageProcess.Result run =
                infer("--protocol", "inputs", "--max-reject-ratio", "0.9").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JsonLines.ids(output())).containsExactlyInAnyOrder("a", "c");
        var rejects = JsonLines.read(dir.resolve("out.jsonl.rejects.jsonl"));
        assertThat(rejects).extracting(r -> r.path("line").asInt()).containsExactly(2, 3, 4, 5, 7);
        assertThat(rejects.get(0).path("reason").asText()).contains("not valid JSON");
        assertThat(rejects.get(0).path("raw").asText()).isEqualTo("this is not json");
        assertThat(rejects.get(1).path("reason").asText()).contains("not a JSON object");
        assertThat(rejects.get(2).path("reason").asText()).contains("missing string field 'id'");
        assertThat(rejects.get(3).path("reason").asText()).contains("missing string field 'text'");
        assertThat(rejects.get(4).path("reason").asText()).contains("not valid UTF-8");
        var xcom = run.xcom();
        assertThat(xcom.path("records_in").asLong()).isEqualTo(7);
        assertThat(xcom.path("records_out").asLong()).isEqualTo(2);
        assertThat(xcom.path("rejects").asLong()).isEqualTo(5);
    }

    @Test
    void tooManyRejectsFailWithExitCode3AndKeepWhatWasAccepted() throws Exception {
        Files.write(input(), List.of("{\"id\":\"a\",\"text\":\"fine\"}", "garbage", "more garbage"));

        StageProcess.Result run = infer("--protocol", "inputs").run();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.logs()).contains("podstage.max-reject-ratio");
        assertThat(JsonLines.ids(output())).containsExactly("a");
        assertThat(JsonLines.read(dir.resolve("out.jsonl.rejects.jsonl"))).hasSize(2);
    }

    @Test
    void anEmptyInputExits0WithAnEmptyOutputAndLogsNoError() throws Exception {
        Files.writeString(input(), "");

        StageProcess.Result run = infer("--protocol", "inputs")
                .env("PODSTAGE_REDIS_URL", Services.redisUrl())
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Files.readString(output())).isEmpty();
        // the connection opened ahead for the first request must not outlive a run that had none to send
        assertThat(run.logs()).doesNotContain("ERROR").doesNotContain("Exception");
        assertThat(sim.stats().requests()).isZero();
    }

    @Test
    void aDatabaseThatRefusesTheLoginIsConfigurationSaidInOneLine() throws Exception {
        Files.write(input(), List.of("{\"id\":\"a\",\"text\":\"fine\"}"));

        StageProcess.Result run = infer("--protocol", "inputs")
                .withLedger()
                .env("PODSTAGE_DB_PASSWORD", "pw-canary-0815")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.logs())
                .contains("refused the stage while")
                .contains("28P01")
                .contains("podstage.db-password")
                .doesNotContain("\tat ")
                .doesNotContain("pw-canary-0815");
        assertThat(sim.stats().requests()).isZero();
    }

    @Test
    void anUnreachableLedgerIsATransientFailureWorthARetry() throws Exception {
        Files.write(input(), List.of("{\"id\":\"a\",\"text\":\"fine\"}"));
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        StageProcess.Result run = infer("--protocol", "inputs")
                .env("PODSTAGE_DB_URL", "postgresql://127.0.0.1:" + closedPort + "/podstage")
                .env("PODSTAGE_DB_USER", "podstage")
                .env("PODSTAGE_DB_PASSWORD", "podstage")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(75);
        assertThat(run.logs())
                .contains("PostgreSQL at 127.0.0.1:" + closedPort + " failed while updating the idempotency ledger")
                .doesNotContain("\tat "); // one line, no stack trace
        assertThat(Files.readString(run.terminationLog())).contains("idempotency ledger");
        assertThat(output()).doesNotExist();
        assertThat(sim.stats().requests())
                .as("no work before the job is claimed")
                .isZero();
    }

    @Test
    void badConfigurationExits2NamingTheKeyBeforeAnyWork() {
        JsonLines.texts(input(), 3, "config");

        StageProcess.Result badOption = infer("--batch-size", "lots").run();
        StageProcess.Result badEnv =
                infer().env("PODSTAGE_INFER_PROTOCOL", "carrier-pigeon").run();
        StageProcess.Result outOfRange = infer("--max-in-flight", "0").run();
        StageProcess.Result missing = StageProcess.of(dir)
                .args("--input", input().toString(), "--output", output().toString(), "--model", model)
                .run();
        StageProcess.Result misspelt = infer("--api-kye", "sk-canary-misspelt").run();
        StageProcess.Result badRedis = infer().env("PODSTAGE_REDIS_URL", "redis://default:hunter2@:6379/0")
                .run();
        StageProcess.Result badDb =
                infer().env("PODSTAGE_DB_URL", "postgresql://db.example:5432").run();
        StageProcess.Result badPort =
                infer().env("PODSTAGE_STATSD_PORT", "70000").run();

        assertThat(badOption.exitCode()).isEqualTo(2);
        assertThat(badOption.logs()).contains("podstage.infer.batch-size").contains("lots");
        assertThat(badEnv.exitCode()).isEqualTo(2);
        assertThat(badEnv.logs()).contains("podstage.infer.protocol").contains("carrier-pigeon");
        assertThat(outOfRange.exitCode()).isEqualTo(2);
        assertThat(outOfRange.logs())
                .contains("podstage.infer.max-in-flight")
                .contains("'0'")
                .contains("≥ 1");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.logs()).contains("podstage.infer.endpoint");
        assertThat(misspelt.exitCode()).isEqualTo(2);
        assertThat(misspelt.logs())
                .contains("Unknown option: --api-kye (values of unknown options are not shown)")
                .doesNotContain("sk-canary-misspelt");
        assertThat(badRedis.exitCode()).isEqualTo(2);
        assertThat(badRedis.logs())
                .contains("podstage.redis-url='redis://default:***@:6379/0'")
                .contains("needs a host")
                .doesNotContain("hunter2");
        assertThat(badDb.exitCode()).isEqualTo(2);
        assertThat(badDb.logs()).contains("podstage.db-url").contains("postgresql://host[:port]/database");
        assertThat(badPort.exitCode()).isEqualTo(2);
        assertThat(badPort.logs()).contains("podstage.statsd-port='70000'");
        assertThat(sim.stats().requests()).isZero();
        assertThat(output()).doesNotExist();
    }

    @Test
    void helpListsEveryOptionWithItsEnvironmentVariableAndDefault() {
        StageProcess.Result help = StageProcess.of(dir).args("--help").run();

        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout())
                .contains("--batch-size")
                .contains("PODSTAGE_INFER_BATCH_SIZE")
                .contains("Default: 16")
                .contains("--endpoint")
                .contains("--max-cost-usd")
                .contains("PODSTAGE_INFER_API_KEY");
        assertThat(help.stdout().replaceAll("\\s+", " "))
                .contains("--max-retries=N Retries per endpoint. Env PODSTAGE_INFER_MAX_RETRIES. Default: 3.")
                .contains("--circuit-delay=DURATION How long it stays open. Env PODSTAGE_INFER_CIRCUIT_DELAY.")
                .doesNotContain("--api-key", "--backoff-jitter", "--shutdown-grace");
        // Every key the mapping declares: its option with its environment variable, or none if env-only.
        String listed = help.stdout().replaceAll("\\s+", " ");
        for (MappingKey key : MappingKeys.of(InferConfig.class, InferConfig.PREFIX)) {
            if (key.envOnly()) {
                assertThat(listed).doesNotContain("--" + key.name() + "=");
            } else {
                assertThat(listed).contains("--" + key.name() + "=", key.envName());
            }
        }
    }

    @Test
    void statsdDatagramsWithNamesAndTagsArriveBeforeTheProcessExits() {
        JsonLines.texts(input(), 20, "metrics");
        try (StatsdCatcher statsd = new StatsdCatcher()) {
            StageProcess.Result run = infer("--protocol", "inputs", "--batch-size", "5", "--variant", "A")
                    .env("PODSTAGE_METRICS_ENABLED", "true")
                    .env("PODSTAGE_STATSD_HOST", "127.0.0.1")
                    .env("PODSTAGE_STATSD_PORT", Integer.toString(statsd.port()))
                    .env("PODSTAGE_REDIS_URL", Services.redisUrl())
                    .env("AIRFLOW_CTX_DAG_ID", "podstage_llm_batch")
                    .env("AIRFLOW_CTX_TASK_ID", "infer")
                    .run();
            assertThat(run.exitCode()).as(run.toString()).isZero();

            List<String> lines = statsd.lines();
            assertThat(lines)
                    .anySatisfy(l -> assertThat(l)
                            .startsWith("podstage.stage.duration:")
                            .contains("|ms")
                            .contains("stage:infer")
                            .contains("dag_id:podstage_llm_batch")
                            .contains("task_id:infer")
                            .contains("variant:A"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("podstage.infer.request.duration:"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("podstage.infer.batch.size:"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("podstage.infer.tokens:"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("podstage.cache.misses:"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("podstage.stage.records:"));
        }
    }

    @Test
    void costAndEveryAttemptReachTheWireWithTheirValues() {
        JsonLines.texts(input(), 20, "priced");
        sim.config().retryAfterSeconds(0);
        sim.failNext("503", 2);
        try (StatsdCatcher statsd = new StatsdCatcher()) {
            StageProcess.Result run = infer(
                            "--protocol",
                            "inputs",
                            "--batch-size",
                            "5",
                            "--max-in-flight",
                            "1",
                            "--price-input-per-1k",
                            "0.5",
                            "--price-output-per-1k",
                            "1.5")
                    .env("PODSTAGE_METRICS_ENABLED", "true")
                    .env("PODSTAGE_STATSD_HOST", "127.0.0.1")
                    .env("PODSTAGE_STATSD_PORT", Integer.toString(statsd.port()))
                    .run();
            assertThat(run.exitCode()).as(run.toString()).isZero();
            List<String> lines = statsd.lines();

            double costUsd = run.xcom().path("metrics").path("cost_usd").asDouble();
            assertThat(costUsd)
                    .as("each request costs well under $1")
                    .isPositive()
                    .isLessThan(1);
            long micros = lines.stream()
                    .filter(l -> l.startsWith("podstage.infer.cost_microusd:"))
                    .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1, l.indexOf('|'))))
                    .sum();
            assertThat(micros)
                    .as("the spend on the wire, in micro-dollars")
                    .isCloseTo(Math.round(costUsd * 1e6), org.assertj.core.data.Offset.offset(1L));
            assertThat(lines.stream()
                            .filter(l -> l.startsWith("podstage.infer.request.duration:")
                                    && l.contains("outcome:server_error")))
                    .as("the two 503s, retried, are attempts too")
                    .hasSize(2);
            assertThat(lines.stream()
                            .filter(l -> l.startsWith("podstage.infer.request.duration:") && l.contains("outcome:ok")))
                    .as("one per answered request")
                    .hasSize(4);
        }
    }

    @Test
    void aRunWithoutPricesSaysSoInItsLogAndXCom() {
        JsonLines.texts(input(), 3, "unpriced");

        StageProcess.Result unpriced = infer("--protocol", "inputs").run();
        StageProcess.Result priced = StageProcess.of(dir.resolve("priced"))
                .args(
                        "--input",
                        input().toString(),
                        "--output",
                        dir.resolve("priced.jsonl").toString(),
                        "--endpoint",
                        sim.baseUrl(),
                        "--model",
                        model,
                        "--protocol",
                        "inputs",
                        "--price-input-per-1k",
                        "0")
                .run();

        assertThat(unpriced.exitCode()).as(unpriced.toString()).isZero();
        assertThat(unpriced.logs()).contains("WARN").contains("no prices set");
        assertThat(unpriced.xcom().path("pricing").asText()).isEqualTo("missing");
        assertThat(priced.exitCode()).as(priced.toString()).isZero();
        assertThat(priced.logs())
                .as("a price of 0 is a price: a free model")
                .doesNotContain("no prices set")
                .as("but one price alone leaves the other at $0, which is said")
                .contains("no output price set");
        assertThat(priced.xcom().path("pricing").asText()).isEqualTo("given");
    }

    @Test
    void aBudgetWithoutPricesIsRefusedBeforeAnyWork() {
        JsonLines.texts(input(), 3, "budget without prices");

        StageProcess.Result run =
                infer("--protocol", "inputs", "--max-cost-usd", "5").run();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.logs()).contains("podstage.infer.max-cost-usd").contains("price-input-per-1k");
        assertThat(sim.stats().requests()).isZero();
    }

    @Test
    void etsyFlavourFoldsTagsIntoTheName() {
        JsonLines.texts(input(), 3, "etsy");
        try (StatsdCatcher statsd = new StatsdCatcher()) {
            StageProcess.Result run = infer("--protocol", "inputs")
                    .env("PODSTAGE_METRICS_ENABLED", "true")
                    .env("PODSTAGE_STATSD_HOST", "127.0.0.1")
                    .env("PODSTAGE_STATSD_PORT", Integer.toString(statsd.port()))
                    .env("PODSTAGE_STATSD_FLAVOR", "etsy")
                    .run();
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(statsd.lines())
                    .anySatisfy(l ->
                            assertThat(l).startsWith("podstage.stage.duration.").doesNotContain("|#"));
        }
    }

    @Test
    void theApiKeyNeverAppearsInLogsXComOutputsOrCache() throws Exception {
        String canary = "sk-canary-" + java.util.UUID.randomUUID();
        sim.config().requiredApiKey(canary);
        sim.failNext("500", 2); // failures get logged: the key must not be in those lines either
        JsonLines.write(input(), 6, i -> Map.of("id", "r" + i, "text", "secret " + i));

        StageProcess.Result run = infer("--protocol", "inputs", "--batch-size", "3", "--progress-interval", "50ms")
                .env("PODSTAGE_INFER_API_KEY", canary)
                .env("PODSTAGE_REDIS_URL", Services.redisUrl())
                .run();

        assertThat(run.exitCode())
                .as("the key was sent: the simulator requires it")
                .isZero();
        assertThat(run.logs()).doesNotContain(canary);
        assertThat(Files.readString(run.xcomPath())).doesNotContain(canary);
        assertThat(Files.readString(output())).doesNotContain(canary);
        Map<String, String> cache = Services.redisEntries("podstage:infer:*");
        assertThat(cache).isNotEmpty();
        assertThat(cache.keySet()).noneSatisfy(k -> assertThat(k).contains(canary));
        assertThat(cache.values()).noneSatisfy(v -> assertThat(v).contains(canary));

        // A refused key fails the run; the refusal is logged without the key.
        sim.config().requiredApiKey("another-key");
        StageProcess.Result refused = infer(
                        "--protocol",
                        "inputs",
                        "--output",
                        dir.resolve("refused.jsonl").toString(),
                        "--model",
                        model + "-refused",
                        "--max-retries",
                        "0")
                .env("PODSTAGE_INFER_API_KEY", canary)
                .run();
        assertThat(refused.exitCode())
                .as("a credentials error is configuration: no Airflow retry")
                .isEqualTo(2);
        assertThat(refused.terminationMessage())
                .contains(sim.baseUrl())
                .contains("refused the API key (HTTP 401)")
                .contains("PODSTAGE_INFER_API_KEY");
        assertThat(refused.logs()).contains("401").doesNotContain(canary);
        assertThat(refused.terminationMessage()).doesNotContain(canary);
        for (Path file : Files.list(dir).toList()) {
            if (Files.isRegularFile(file)) {
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8))
                        .as(file.toString())
                        .doesNotContain(canary);
            }
        }
    }
}
