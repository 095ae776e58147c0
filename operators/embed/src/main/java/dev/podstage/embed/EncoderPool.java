package dev.podstage.embed;

import dev.podstage.embedding.EncoderSettings;
import dev.podstage.embedding.SentenceEncoder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * A fixed pool of workers sharing one {@link SentenceEncoder}. The model is loaded on the first
 * submitted batch, in the background: a rerun whose vectors all come from the cache never loads it.
 */
final class EncoderPool implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EncoderPool.class);

    /** A batch's vectors and how long the model took for them. */
    record Encoded(float[][] vectors, long nanos) {}

    private final EncoderSettings settings;
    private final ExecutorService workers;
    private CompletableFuture<SentenceEncoder> encoder;
    private volatile long loadMillis = -1;

    EncoderPool(EncoderSettings settings, int threads) {
        this.settings = settings;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "podstage-embed-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    Future<Encoded> submit(List<String> texts) {
        CompletableFuture<SentenceEncoder> model = encoder();
        return workers.submit(() -> {
            SentenceEncoder e = model.join();
            long start = System.nanoTime();
            float[][] vectors = e.encode(texts);
            return new Encoded(vectors, System.nanoTime() - start);
        });
    }

    private synchronized CompletableFuture<SentenceEncoder> encoder() {
        if (encoder == null) {
            encoder = CompletableFuture.supplyAsync(this::load, r -> {
                Thread t = new Thread(r, "podstage-embed-model-load");
                t.setDaemon(true);
                t.start();
            });
        }
        return encoder;
    }

    private SentenceEncoder load() {
        long start = System.nanoTime();
        SentenceEncoder e = SentenceEncoder.open(settings);
        loadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return e;
    }

    boolean loaded() {
        return loadMillis >= 0;
    }

    long loadMillis() {
        return Math.max(0, loadMillis);
    }

    /** Stops the workers, then frees the model (never under a running batch). */
    @Override
    public void close() {
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("a batch is still running after 30 s: leaving the model to the process exit");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        CompletableFuture<SentenceEncoder> model;
        synchronized (this) {
            model = encoder;
        }
        if (model != null) {
            model.thenAccept(SentenceEncoder::close);
        }
    }
}
