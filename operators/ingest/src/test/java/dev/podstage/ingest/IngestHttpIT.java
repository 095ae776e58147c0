package dev.podstage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.podstage.testkit.StageProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** URLs served by a JDK HttpServer on loopback: plain, flaky (503 then 200), missing, typed by Content-Type. */
class IngestHttpIT extends IngestTestBase {

    private static final String JSONL =
            "{\"id\":\"u1\",\"text\":\"from the web\"}\n{\"id\":\"u2\",\"text\":\"more\"}\n";
    private static final String CSV = "id,text\nc1,over http\nc2,with a retry\n";

    private HttpServer server;
    private final AtomicInteger flakyCalls = new AtomicInteger();
    private final AtomicInteger brokenCalls = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/data/docs.jsonl", ex -> send(ex, 200, "application/octet-stream", JSONL));
        server.createContext("/flaky/rows.csv", ex -> {
            if (flakyCalls.incrementAndGet() <= 2) {
                ex.getResponseHeaders().add("Retry-After", "0");
                send(ex, 503, "text/plain", "busy, try again");
            } else {
                send(ex, 200, "text/csv", CSV);
            }
        });
        server.createContext("/always-503.jsonl", ex -> {
            brokenCalls.incrementAndGet();
            send(ex, 503, "text/plain", "down");
        });
        server.createContext(
                "/api/export", ex -> send(ex, 200, "text/markdown; charset=utf-8", "# Exported\n\nbody\n"));
        server.createContext("/", ex -> send(ex, 404, "text/plain", "no such thing"));
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void aUrlIsDownloadedAndReadByItsExtensionWithTheUrlAsSource() {
        StageProcess.Result run =
                ingest("--input", url("/data/docs.jsonl"), "--shards", "2").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<JsonNode> records = allRecords(run);
        assertThat(records).extracting(r -> r.path("id").asText()).containsExactlyInAnyOrder("u1", "u2");
        assertThat(records)
                .allSatisfy(
                        r -> assertThat(r.path("source").path("url").asText()).isEqualTo(url("/data/docs.jsonl")));
        assertThat(run.xcom().path("metrics").path("downloads").asInt()).isEqualTo(1);
        assertThat(out().toFile().list()).noneMatch(name -> name.startsWith(".download"));
    }

    @Test
    void credentialsInTheUrlNeverReachRecordsOrLogs() {
        String secret = "s3cr3t-" + java.util.UUID.randomUUID();
        String url = url("/data/docs.jsonl") + "?page=2&X-Amz-Signature=" + secret + "&access_token=" + secret;

        StageProcess.Result run = ingest("--input", url).run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(allRecords(run))
                .allSatisfy(r -> assertThat(r.path("source").path("url").asText())
                        .isEqualTo(url("/data/docs.jsonl") + "?page=2&X-Amz-Signature=****&access_token=****"));
        assertThat(run.logs()).doesNotContain(secret);
        assertThat(run.xcom().toString()).doesNotContain(secret);
    }

    @Test
    void a503IsRetriedWithBackoffUntilTheServerAnswers() {
        StageProcess.Result run = ingest("--input", url("/flaky/rows.csv"), "--fetch-backoff-initial", "10ms")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(flakyCalls.get()).isEqualTo(3);
        assertThat(allRecords(run))
                .extracting(r -> r.path("text").asText())
                .containsExactlyInAnyOrder("over http", "with a retry");
        assertThat(run.xcom().path("metrics").path("fetch_retries").asInt()).isEqualTo(2);
    }

    @Test
    void aServerThatStaysDownIsATransientFailureAfterTheRetries() {
        StageProcess.Result run = ingest(
                        "--input", url("/always-503.jsonl"), "--fetch-retries", "2", "--fetch-backoff-initial", "10ms")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(75);
        assertThat(brokenCalls.get()).isEqualTo(3);
        assertThat(run.logs()).contains("503").contains("after 3 attempts");
    }

    @Test
    void a404IsAnInputErrorWithoutRetries() {
        StageProcess.Result run = ingest("--input", url("/missing.jsonl"), "--fetch-backoff-initial", "10ms")
                .run();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.logs()).contains("404").contains(url("/missing.jsonl"));
        assertThat(run.logs()).doesNotContain("retrying the download");
    }

    @Test
    void aUrlWithoutExtensionIsReadByItsContentType() {
        StageProcess.Result run = ingest("--input", url("/api/export")).run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode record = allRecords(run).get(0);
        assertThat(record.path("text").asText()).isEqualTo("# Exported\n\nbody\n");
        assertThat(record.path("metadata").path("format").asText()).isEqualTo("markdown");
    }

    @Test
    void theJobKeyFollowsTheDownloadedBytes() {
        StageProcess.Result first = ingest("--input", url("/data/docs.jsonl")).run();
        StageProcess.Result same = ingest("--input", url("/data/docs.jsonl")).run();
        server.removeContext("/data/docs.jsonl");
        server.createContext(
                "/data/docs.jsonl",
                ex -> send(ex, 200, "application/x-ndjson", JSONL + "{\"id\":\"u3\",\"text\":\"new\"}\n"));
        StageProcess.Result changed = ingest("--input", url("/data/docs.jsonl")).run();

        assertThat(first.xcom().path("job_key")).isEqualTo(same.xcom().path("job_key"));
        assertThat(changed.xcom().path("job_key")).isNotEqualTo(first.xcom().path("job_key"));
        assertThat(changed.xcom().path("records_out").asInt()).isEqualTo(3);
    }
}
