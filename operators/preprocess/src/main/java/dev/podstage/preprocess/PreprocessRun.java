package dev.podstage.preprocess;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.AtomicFile;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.io.JsonLinesReader;
import dev.podstage.runtime.io.JsonRecord;
import dev.podstage.runtime.io.Rejects;
import dev.podstage.runtime.stage.StageContext;
import dev.podstage.runtime.stage.StageOutcome;
import dev.podstage.runtime.stage.TransientException;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The work of one {@code preprocess} run: each document is cleaned ({@link TextPipeline}), cut into
 * chunks ({@link Chunker}) and each chunk written as {@code <doc_id>#<index>}. Left out on purpose,
 * and counted as dropped: documents with nothing left after cleaning, documents repeating an id
 * seen before (the first is kept), and chunks whose exact text was already written in this run.
 *
 * <p>SIGTERM stops between documents and exits 75 without an output: the work is CPU-only and a
 * rerun redoes it.
 */
final class PreprocessRun {

    private static final Logger LOG = Logger.getLogger(PreprocessRun.class);

    private final PreprocessSettings s;
    private final StageContext ctx;
    private final Chunker chunker;
    private final SeenDigests docIds = new SeenDigests();
    private final SeenDigests chunkTexts = new SeenDigests();
    private long documents;
    private long rejectedHere;
    private long emptyDocuments;
    private long duplicateIds;
    private long deduplicated;
    private long chunksOut;
    private long tokensTotal;
    private long charsIn;
    private long charsOut;
    private int maxChunkTokens;

    PreprocessRun(PreprocessSettings settings, StageContext context) {
        this.s = settings;
        this.ctx = context;
        this.chunker = new Chunker(settings.chunkTokens(), settings.chunkOverlap());
    }

    StageOutcome execute() throws IOException {
        AtomicFile out = AtomicFile.create(s.output());
        Rejects rejects = new Rejects(s.output());
        try (JsonLinesReader reader = new JsonLinesReader(s.input(), rejects)) {
            JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out.writer());
            json.setRootValueSeparator(null);
            JsonRecord record;
            while ((record = reader.next()) != null) {
                if (ctx.shutdown().requested()) {
                    throw new TransientException("stopped by SIGTERM after " + documents
                            + " documents; nothing was written, a rerun starts over");
                }
                documents++;
                process(record, json, rejects);
                ctx.progress().done(1);
            }
            json.flush();
            long recordsIn = documents - rejectedHere + rejects.count();
            StageOutcome outcome = new StageOutcome(
                            recordsIn,
                            chunksOut,
                            rejects.count(),
                            emptyDocuments + duplicateIds + deduplicated,
                            List.of(DataUri.toUri(s.output())),
                            metrics(),
                            extra(rejects))
                    .requireNothingLost(); // else nothing is committed
            out.commit();
            rejects.commit();
            return outcome;
        } catch (IOException | RuntimeException e) {
            out.abandon();
            throw e;
        } finally {
            rejects.close();
        }
    }

    private void process(JsonRecord record, JsonGenerator json, Rejects rejects) throws IOException {
        JsonNode field = record.fields().get(s.textField());
        if (field == null || !field.isTextual()) {
            String reason = field == null || field.isNull()
                    ? "missing string field '" + s.textField() + "'"
                    : "field '" + s.textField() + "' is not a string";
            rejects.reject(record.line(), reason, record.fields().toString());
            rejectedHere++;
            return;
        }
        if (!docIds.firstTime(record.id())) {
            duplicateIds++;
            LOG.debugf("line %d: id '%s' seen before: dropped, the first is kept", record.line(), record.id());
            return;
        }
        String raw = field.textValue();
        charsIn += raw.length();
        String text = s.pipeline().apply(raw);
        List<Chunker.Chunk> chunks = chunker.split(text);
        if (chunks.isEmpty()) {
            emptyDocuments++;
            return;
        }
        charsOut += text.length();
        ObjectNode metadata = metadata(record.fields());
        JsonNode source = record.fields().get("source");
        for (int i = 0; i < chunks.size(); i++) {
            Chunker.Chunk chunk = chunks.get(i);
            if (s.dedupe() && !chunkTexts.firstTime(chunk.text())) {
                deduplicated++;
                continue;
            }
            write(json, record.id(), i, chunks.size(), chunk, source, metadata);
            chunksOut++;
            tokensTotal += chunk.tokens();
            maxChunkTokens = Math.max(maxChunkTokens, chunk.tokens());
        }
    }

    private static void write(
            JsonGenerator json,
            String docId,
            int index,
            int count,
            Chunker.Chunk chunk,
            JsonNode source,
            ObjectNode metadata)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("id", docId + "#" + index);
        json.writeStringField("doc_id", docId);
        json.writeNumberField("chunk_index", index);
        json.writeNumberField("chunk_count", count);
        json.writeStringField("text", chunk.text());
        json.writeNumberField("tokens", chunk.tokens());
        if (source != null) {
            json.writeFieldName("source");
            json.writeTree(source);
        }
        json.writeFieldName("metadata");
        json.writeTree(metadata);
        json.writeEndObject();
        json.writeRaw('\n');
    }

    /**
     * The input's {@code metadata} object, plus its other top-level fields (not id, text, source,
     * metadata) where the object does not already name them: nothing a document carried is lost.
     */
    private ObjectNode metadata(ObjectNode fields) {
        JsonNode given = fields.get("metadata");
        ObjectNode metadata = given instanceof ObjectNode object ? object.deepCopy() : Json.MAPPER.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> it = fields.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            boolean known = name.equals("id")
                    || name.equals(s.textField())
                    || name.equals("source")
                    || (name.equals("metadata") && given instanceof ObjectNode);
            if (!known && !metadata.has(name)) {
                metadata.set(name, field.getValue());
            }
        }
        return metadata;
    }

    private ObjectNode metrics() {
        ObjectNode m = StageOutcome.object();
        m.put("documents", documents - rejectedHere);
        m.put("chunks", chunksOut);
        m.put("empty_documents", emptyDocuments);
        m.put("duplicate_ids", duplicateIds);
        m.put("deduplicated", deduplicated);
        m.put("tokens_total", tokensTotal);
        m.put("tokens_max_chunk", maxChunkTokens);
        m.put("chars_in", charsIn);
        m.put("chars_out", charsOut);
        ctx.metrics().counter("preprocess.chunks").increment(chunksOut);
        ctx.metrics().counter("preprocess.tokens").increment(tokensTotal);
        ctx.metrics().counter("preprocess.deduplicated").increment(deduplicated);
        return m;
    }

    private ObjectNode extra(Rejects rejects) {
        CostProjection p = s.projection();
        double cost = p.cost(tokensTotal, chunksOut);
        ObjectNode extra = StageOutcome.object();
        extra.put("chunks", chunksOut);
        extra.put("tokens_total", tokensTotal);
        extra.put("projected_cost_usd", Math.round(cost * 1e9) / 1e9);
        ObjectNode projection = extra.putObject("cost_projection");
        projection.put("input_tokens", tokensTotal);
        projection.put("output_tokens", p.outputTokens(chunksOut));
        projection.put("expected_output_tokens_per_chunk", p.expectedOutputTokens());
        projection.put("price_input_per_1k", p.priceInputPer1k());
        projection.put("price_output_per_1k", p.priceOutputPer1k());
        if (rejects.count() > 0) {
            extra.put("rejects_uri", DataUri.toUri(rejects.path()));
        }
        LOG.info(String.format(
                Locale.ROOT,
                "%d documents → %d chunks, %d tokens (estimated); infer would cost about"
                        + " $%.4f at %s/%s per 1k tokens in/out with %d output tokens per chunk",
                documents - rejectedHere,
                chunksOut,
                tokensTotal,
                cost,
                p.priceInputPer1k(),
                p.priceOutputPer1k(),
                p.expectedOutputTokens()));
        return extra;
    }
}
