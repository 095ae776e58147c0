package dev.podstage.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.embedding.EncoderException;
import dev.podstage.embedding.SentenceEncoder;
import dev.podstage.runtime.cache.KeyTemplate;
import dev.podstage.runtime.cache.ResultCache;
import dev.podstage.runtime.io.AtomicFile;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.io.JsonLinesReader;
import dev.podstage.runtime.io.JsonRecord;
import dev.podstage.runtime.io.Rejects;
import dev.podstage.runtime.stage.InternalFailureException;
import dev.podstage.runtime.stage.StageContext;
import dev.podstage.runtime.stage.StageException;
import dev.podstage.runtime.stage.StageOutcome;
import dev.podstage.runtime.stage.TransientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The work of one {@code embed} run. The main thread streams the input in chunks: one cache lookup
 * per chunk, the misses (each distinct text once, sorted by length) cut into batches for the worker
 * pool, and the chunk written in input order once its batches are back — while the workers already
 * encode the next chunk. Only the main thread writes the output and the cache.
 *
 * <p>On SIGTERM it stops reading, lets the batches already running finish, puts their vectors in the
 * cache and exits 75 without an output: the retry takes everything computed so far from the cache.
 */
final class EmbedRun {

    private static final Logger LOG = Logger.getLogger(EmbedRun.class);
    /** Chunks read ahead: one being written while the next one's batches keep the workers busy. */
    private static final int MAX_PENDING_CHUNKS = 2;

    private final EmbedSettings s;
    private final StageContext ctx;
    private final int chunkSize;
    private final ArrayDeque<Chunk> pending = new ArrayDeque<>();
    /** Keys are made on the main thread only. */
    private final KeyTemplate keys = EmbedKeys.template();

    private ResultCache cache;
    private Rejects rejects;
    private EncoderPool encoders;
    private EmbeddingWriter writer;
    private long recordsIn;
    private long recordsOut;
    private long rejectedAfterReading;
    private long cacheHits;
    private long cacheMisses;
    private long vectorsComputed;
    private long deduplicated;
    private long batches;
    private long encodeNanos;

    private final Counter cacheHitCounter;
    private final Counter cacheMissCounter;
    private final Counter vectorCounter;
    private final DistributionSummary batchSize;
    private final Timer batchTimer;

    EmbedRun(EmbedSettings settings, StageContext context) {
        this.s = settings;
        this.ctx = context;
        // Enough records per lookup for a cheap MGET and a few batches per worker.
        this.chunkSize = Math.max(256, Math.min(4096, settings.batchSize() * settings.threads() * 4));
        var m = context.metrics();
        cacheHitCounter = m.counter("cache.hits", "namespace", EmbedKeys.NAMESPACE);
        cacheMissCounter = m.counter("cache.misses", "namespace", EmbedKeys.NAMESPACE);
        vectorCounter = m.counter("embed.vectors", "model", SentenceEncoder.MODEL_NAME);
        batchSize = m.summary("embed.batch.size");
        batchTimer = m.timer("embed.batch.duration", "device", deviceName());
    }

    StageOutcome execute() throws InterruptedException {
        long start = System.nanoTime();
        rejects = new Rejects(s.output());
        cache = ctx.cache(EmbedKeys.NAMESPACE);
        AtomicFile out = AtomicFile.create(s.output());
        boolean committed = false;
        try (JsonLinesReader reader = new JsonLinesReader(s.input(), rejects);
                EncoderPool pool = new EncoderPool(s.encoder(), s.threads())) {
            encoders = pool;
            writer = new EmbeddingWriter(out.writer(), SentenceEncoder.MODEL_NAME, s.variant());
            Chunk chunk = new Chunk();
            JsonRecord record;
            while (!stopping() && (record = reader.next()) != null) {
                recordsIn++;
                String text = acceptedText(record);
                if (text == null) {
                    continue;
                }
                chunk.add(record, text, keys.key(text));
                if (chunk.size() >= chunkSize) {
                    dispatch(chunk);
                    chunk = new Chunk();
                    while (!stopping() && pending.size() >= MAX_PENDING_CHUNKS) {
                        writeHead();
                    }
                }
            }
            if (!stopping()) {
                dispatch(chunk);
            }
            while (!stopping() && !pending.isEmpty()) {
                writeHead();
            }
            if (stopping()) {
                throw stop();
            }
            recordsIn += rejects.count() - rejectedAfterReading; // lines the reader rejected were input too
            writer.flush();
            StageOutcome outcome = outcome(start).requireNothingLost(); // else nothing is committed
            out.commit();
            committed = true;
            rejects.commit();
            return outcome;
        } finally {
            if (!committed) {
                out.abandon();
            }
            cache.close();
            rejects.close();
        }
    }

    private boolean stopping() {
        return ctx.shutdown().requested();
    }

    /** The text to embed, or null when the record is rejected (with the reason). */
    private String acceptedText(JsonRecord record) {
        String field = s.textField();
        JsonNode node = record.fields().get(field);
        String reason = null;
        if (node == null || node.isNull()) {
            reason = "missing string field '" + field + "'";
        } else if (!node.isTextual()) {
            reason = "field '" + field + "' is not a string but "
                    + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        } else if (node.textValue().isBlank()) {
            reason = "field '" + field + "' is empty";
        }
        if (reason != null) {
            rejects.reject(record.line(), reason, record.fields().toString());
            rejectedAfterReading++;
            return null;
        }
        return node.textValue();
    }

    /** Looks the chunk up in the cache and hands its misses to the workers; does not wait for them. */
    private void dispatch(Chunk chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        if (cache.available()) {
            Map<String, String> found = cache.getAll(chunk.distinctKeys());
            found.forEach((key, value) -> {
                float[] vector = VectorCodec.decode(value, SentenceEncoder.DIMENSION);
                if (vector != null) {
                    chunk.cachedVector(key, vector);
                }
            });
        }
        Map<String, String> missing = chunk.missing();
        long hits = chunk.items().stream()
                .filter(i -> chunk.vector(i.key()) != null)
                .count();
        long misses = chunk.size() - hits;
        cacheHits += hits;
        cacheMisses += misses;
        deduplicated += misses - missing.size();
        if (cache.available()) {
            cacheHitCounter.increment(hits);
            cacheMissCounter.increment(misses);
            ctx.progress().cache(chunk.size(), hits);
        }
        // Texts of similar length share a batch: a batch is padded to its longest text, so less padding, less work.
        List<Map.Entry<String, String>> byLength = new ArrayList<>(missing.entrySet());
        byLength.sort(Comparator.comparingInt(e -> e.getValue().length()));
        for (int from = 0; from < byLength.size(); from += s.batchSize()) {
            List<Map.Entry<String, String>> slice =
                    byLength.subList(from, Math.min(byLength.size(), from + s.batchSize()));
            List<String> batchKeys = slice.stream().map(Map.Entry::getKey).toList();
            List<String> texts = slice.stream().map(Map.Entry::getValue).toList();
            chunk.addBatch(new Chunk.Batch(batchKeys, encoders.submit(texts)));
        }
        pending.add(chunk);
    }

    /** Waits for the oldest chunk's batches, caches the new vectors and writes the chunk in input order. */
    private void writeHead() throws InterruptedException {
        Chunk chunk = pending.poll();
        Map<String, String> fresh = new LinkedHashMap<>();
        for (Chunk.Batch batch : chunk.batches()) {
            EncoderPool.Encoded encoded = await(batch.result());
            settleBatch(chunk, batch, encoded, fresh);
        }
        cache.putAll(fresh);
        for (Chunk.Item item : chunk.items()) {
            writer.write(item.record(), chunk.vector(item.key()), chunk.fromCache(item.key()));
        }
        recordsOut += chunk.size();
        ctx.progress().done(chunk.size());
    }

    private void settleBatch(Chunk chunk, Chunk.Batch batch, EncoderPool.Encoded encoded, Map<String, String> fresh) {
        float[][] vectors = encoded.vectors();
        for (int i = 0; i < vectors.length; i++) {
            String key = batch.keys().get(i);
            chunk.computedVector(key, vectors[i]);
            if (cache.available()) {
                fresh.put(key, VectorCodec.encode(vectors[i]));
            }
        }
        batches++;
        vectorsComputed += vectors.length;
        encodeNanos += encoded.nanos();
        vectorCounter.increment(vectors.length);
        batchSize.record(vectors.length);
        batchTimer.record(encoded.nanos(), TimeUnit.NANOSECONDS);
    }

    private static EncoderPool.Encoded await(Future<EncoderPool.Encoded> result) throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause()
                    : e.getCause();
            if (cause instanceof EncoderException) {
                throw new InternalFailureException("embedding failed: " + cause.getMessage(), cause);
            }
            throw new InternalFailureException("embedding failed: " + cause, cause);
        }
    }

    /**
     * SIGTERM: batches not started are dropped, running ones finish and their vectors go to the cache,
     * where the retry finds them. No output is written: a half file would be taken as whole.
     */
    private StageException stop() throws InterruptedException {
        pending.forEach(c -> c.batches().forEach(b -> b.result().cancel(false)));
        Map<String, String> fresh = new LinkedHashMap<>();
        for (Chunk chunk : pending) {
            for (Chunk.Batch batch : chunk.batches()) {
                try {
                    settleBatch(chunk, batch, await(batch.result()), fresh);
                } catch (CancellationException notStarted) {
                    // dropped: the retry computes it
                }
            }
        }
        cache.putAll(fresh);
        String saved = cache.available()
                ? "all " + vectorsComputed + " vectors computed are cached: the retry reuses them"
                : "no cache configured: the retry computes them again";
        LOG.warnf("stopped by SIGTERM after %d of the records; %s", recordsOut, saved);
        return new TransientException("stopped by SIGTERM before the output was complete; " + saved);
    }

    private StageOutcome outcome(long startNanos) {
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        ObjectNode m = StageOutcome.object();
        m.put("chunks_per_s", Math.round(recordsOut / seconds * 10) / 10.0);
        m.put("embed_ms", Math.round(seconds * 1000));
        m.put("vectors_computed", vectorsComputed);
        m.put("cache_hits", cacheHits);
        m.put("cache_misses", cacheMisses);
        m.put("cache_available", cache.available());
        m.put("deduplicated", deduplicated);
        m.put("batches", batches);
        m.put("batch_size", s.batchSize());
        m.put("threads", s.threads());
        m.put("intra_op_threads", s.encoder().intraOpThreads());
        m.put("device", deviceName());
        m.put("model_loaded", encoders.loaded());
        m.put("model_load_ms", encoders.loadMillis());
        m.put("encode_ms", TimeUnit.NANOSECONDS.toMillis(encodeNanos));
        ObjectNode extra = StageOutcome.object();
        extra.put("model", SentenceEncoder.MODEL_NAME);
        extra.put("dim", SentenceEncoder.DIMENSION);
        if (s.variant() != null) {
            extra.put("variant", s.variant());
        }
        if (rejects.count() > 0) {
            extra.put("rejects_uri", DataUri.toUri(rejects.path()));
        }
        return new StageOutcome(
                recordsIn, recordsOut, rejects.count(), 0, List.of(DataUri.toUri(s.output())), m, extra);
    }

    private String deviceName() {
        return s.encoder().device().name().toLowerCase(java.util.Locale.ROOT);
    }
}
