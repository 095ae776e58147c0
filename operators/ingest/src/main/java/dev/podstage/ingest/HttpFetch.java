package dev.podstage.ingest;

import dev.podstage.runtime.resilience.EndpointGuard;
import dev.podstage.runtime.resilience.RemoteCallException;
import dev.podstage.runtime.resilience.RetryAfter;
import dev.podstage.runtime.stage.InputRejectedException;
import dev.podstage.runtime.stage.StageException;
import dev.podstage.runtime.stage.TransientException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.util.TypeLiteral;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Downloads an http(s) input to a staging file under the runtime's guard: a timeout per attempt,
 * retries with exponential backoff and jitter that honour {@code Retry-After} (429, 5xx, broken
 * connections), none for answers that will not change (404, 403…). Each attempt writes its own
 * file, so an attempt abandoned by the timeout cannot scribble over the one that succeeds.
 */
final class HttpFetch {

    private static final Logger LOG = Logger.getLogger(HttpFetch.class);
    private static final TypeLiteral<Uni<Fetched>> FETCHED = new TypeLiteral<>() {};

    /** A completed download: where its bytes are, its Content-Type (may be null) and size. */
    record Fetched(Path file, String contentType, long bytes) {}

    private final FetchSettings settings;
    private final HttpClient client;
    private final AtomicLong retries = new AtomicLong();

    HttpFetch(FetchSettings settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    long retries() {
        return retries.get();
    }

    /** The bytes of {@code url} in {@code target}; exit 3 when the server says no, 75 when it stays unreachable. */
    Fetched fetch(String url, Path target) {
        String shown = SafeUrl.display(url); // what logs and messages may say
        EndpointGuard<Fetched> guard = new EndpointGuard<>(FETCHED, shown, settings.guard(), () -> {
            retries.incrementAndGet();
            LOG.infof("retrying the download of %s", shown);
        });
        AtomicInteger attempt = new AtomicInteger();
        List<Path> attempts = new ArrayList<>();
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Fetched fetched = guard.call(() -> {
                        Path file =
                                target.resolveSibling(target.getFileName() + ".attempt" + attempt.incrementAndGet());
                        synchronized (attempts) {
                            attempts.add(file);
                        }
                        return once(url, shown, file);
                    })
                    .await()
                    .indefinitely();
            Files.move(fetched.file(), target, StandardCopyOption.REPLACE_EXISTING);
            return new Fetched(target, fetched.contentType(), fetched.bytes());
        } catch (RemoteCallException e) {
            if (e.retryable()) {
                throw new TransientException(
                        "cannot download input " + shown + " after " + attempt.get() + " attempts: " + e.getMessage(),
                        e);
            }
            throw new InputRejectedException("cannot download input " + shown + ": " + e.getMessage());
        } catch (IOException e) {
            throw new TransientException("cannot stage the download of " + shown + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof StageException) {
                throw e;
            }
            throw new TransientException(
                    "cannot download input " + shown + " after " + attempt.get() + " attempts: " + describe(e), e);
        } finally {
            synchronized (attempts) {
                attempts.forEach(HttpFetch::deleteQuietly);
            }
        }
    }

    private Uni<Fetched> once(String url, String shown, Path file) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .GET()
                .header("User-Agent", "podstage-ingest")
                .build();
        return Uni.createFrom()
                .completionStage(() -> client.sendAsync(request, HttpResponse.BodyHandlers.ofFile(file)))
                .onFailure()
                .transform(t -> RemoteCallException.transport(shown, unwrap(t)))
                .map(response -> {
                    int status = response.statusCode();
                    if (status / 100 != 2) {
                        deleteQuietly(file);
                        String header =
                                response.headers().firstValue("Retry-After").orElse(null);
                        Duration retryAfter = RetryAfter.parse(header, Instant.now());
                        throw RemoteCallException.ofStatus(shown, status, retryAfter, "");
                    }
                    try {
                        String type =
                                response.headers().firstValue("Content-Type").orElse(null);
                        return new Fetched(file, type, Files.size(file));
                    } catch (IOException e) {
                        throw RemoteCallException.transport(shown, e);
                    }
                });
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A staging leftover under a hidden name; the next run overwrites it.
        }
    }
}
