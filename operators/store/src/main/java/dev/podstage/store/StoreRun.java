package dev.podstage.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.db.Db;
import dev.podstage.runtime.io.AtomicFile;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.io.JsonLinesReader;
import dev.podstage.runtime.io.JsonRecord;
import dev.podstage.runtime.io.Rejects;
import dev.podstage.runtime.stage.InputRejectedException;
import dev.podstage.runtime.stage.StageContext;
import dev.podstage.runtime.stage.StageException;
import dev.podstage.runtime.stage.StageOutcome;
import dev.podstage.runtime.stage.TransientException;
import io.micrometer.core.instrument.Timer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The work of one {@code store} run: ensure the schema, then stream each input, check each record
 * into a row (or a reject), and upsert full batches, one transaction each. A SIGTERM is honoured
 * between batches: what is committed stays, the rerun upserts the input again and finds those rows
 * unchanged. A kill loses at most the uncommitted batch, which the rerun writes.
 */
final class StoreRun {

    private static final Logger LOG = Logger.getLogger(StoreRun.class);
    private static final String STAGE = "store";

    private final StoreSettings s;
    private final StageContext ctx;
    private final StoreSchema schema;
    private final Upserts upserts;
    private final RunLog runLog;
    private final ChunkRows chunkRows;
    private final ResultRows resultRows;
    private final boolean nameInputs;
    private final Timer batchTimer;

    private final Map<String, TableCounts> tables = new LinkedHashMap<>();
    private final ArrayNode inputKinds = Json.MAPPER.createArrayNode();
    private StoreSchema.State state;
    private RunStamp stamp;
    private Rejects rejects;
    private long accepted;
    private long ownRejects;
    private long superseded;
    private long rowsOut;
    private long batches;
    private long pendingProgress;
    private long dbNanos;
    private long waitNanos;
    private CompletableFuture<Committed> inFlight;
    private InputKind inFlightKind;
    private List<Batch.Sourced> inFlightBatch = List.of();
    private long inFlightProgress;

    StoreRun(StoreSettings settings, StageContext context, StoreSchema schema, Upserts upserts, RunLog runLog) {
        this.s = settings;
        this.ctx = context;
        this.schema = schema;
        this.upserts = upserts;
        this.runLog = runLog;
        this.chunkRows = new ChunkRows(settings.dimension(), settings.model());
        this.resultRows = new ResultRows(settings.variant(), settings.model());
        this.nameInputs = settings.inputs().size() + settings.errors().size() > 1;
        this.batchTimer = context.metrics().timer("store.batch.duration");
    }

    StageOutcome execute() {
        state = schema.ensure(s.vectorType(), s.dimension());
        stamp = RunStamp.of(ctx.airflow(), ctx.jobKey());
        runLog.started(stamp, STAGE);
        long start = System.nanoTime();
        rejects = new Rejects(s.output());
        try {
            for (Path input : s.inputs()) {
                storeInput(input);
            }
            for (Path errors : s.errors()) {
                storeErrors(errors);
            }
            long recordsIn = accepted + rejects.count() - ownRejects; // lines the reader rejected were input too
            writeReceipt();
            rejects.commit();
            StageOutcome outcome = new StageOutcome(
                    recordsIn,
                    rowsOut,
                    rejects.count(),
                    superseded,
                    List.of(DataUri.toUri(s.output())),
                    metrics(start),
                    extra());
            boolean tooManyRejects = outcome.rejects() > ctx.shared().maxRejectRatio() * recordsIn;
            runLog.finished(
                    stamp,
                    STAGE,
                    finishedRow(
                            tooManyRejects ? "failed" : "success",
                            outcome,
                            tooManyRejects ? "rejects above podstage.max-reject-ratio" : null));
            LOG.infof(
                    "stored %d rows in %d batches (%s), embeddings as %s",
                    rowsOut, batches, describeTables(), state.embeddings().columnType());
            return outcome;
        } catch (StageException e) {
            runLog.finishedQuietly(
                    stamp,
                    STAGE,
                    finishedRow(e instanceof TransientException ? "interrupted" : "failed", null, e.getMessage()));
            throw e;
        } catch (RuntimeException e) {
            runLog.finishedQuietly(stamp, STAGE, finishedRow("failed", null, Db.describe(e)));
            throw e;
        } finally {
            rejects.close();
        }
    }

    private void storeInput(Path input) {
        InputKind kind = s.kind() == InputKind.AUTO ? null : s.kind();
        Batch batch = new Batch();
        try (JsonLinesReader reader = new JsonLinesReader(input, rejects)) {
            JsonRecord record;
            while ((record = reader.next()) != null) {
                accepted++;
                pendingProgress++;
                if (kind == null) {
                    kind = InputKind.detect(record.fields());
                    if (kind == null) {
                        reject(
                                input,
                                record.line(),
                                "neither a chunk (no 'embedding') nor a result (no 'output')",
                                record.fields().toString());
                        continue;
                    }
                    LOG.infof("%s holds %s", DataUri.toUri(input), kind.configName());
                }
                try {
                    batch.add(
                            kind == InputKind.CHUNKS ? chunkRows.toRow(record) : resultRows.toRow(record),
                            input,
                            record.line());
                } catch (RowProblem problem) {
                    reject(
                            input,
                            record.line(),
                            problem.getMessage(),
                            record.fields().toString());
                    continue;
                }
                if (batch.size() >= s.batchSize()) {
                    flush(kind, batch);
                }
            }
            flush(kind, batch);
            settle();
        }
        superseded += batch.superseded();
        ObjectNode entry = inputKinds.addObject();
        entry.put("uri", DataUri.toUri(input));
        entry.put("kind", kind == null ? "empty" : kind.configName());
    }

    /** Infer's rejects file: each {@code {line, reason, raw}} becomes an error row of its record. */
    private void storeErrors(Path file) {
        Batch batch = new Batch();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (number == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1); // a byte order mark, as every input reader drops it
                }
                if (line.isBlank()) {
                    continue;
                }
                accepted++;
                pendingProgress++;
                try {
                    batch.add(errorRow(line), file, number);
                } catch (RowProblem problem) {
                    reject(file, number, problem.getMessage(), line);
                    continue;
                }
                if (batch.size() >= s.batchSize()) {
                    flush(InputKind.RESULTS, batch);
                }
            }
            flush(InputKind.RESULTS, batch);
            settle();
        } catch (IOException e) {
            throw new InputRejectedException("cannot read " + DataUri.toUri(file) + ": " + e);
        }
        superseded += batch.superseded();
        ObjectNode entry = inputKinds.addObject();
        entry.put("uri", DataUri.toUri(file));
        entry.put("kind", "errors");
    }

    private Row errorRow(String line) throws RowProblem {
        JsonNode reject;
        try {
            reject = Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new RowProblem("not valid JSON");
        }
        JsonNode number = reject.get("line");
        JsonNode reason = reject.get("reason");
        if (!reject.isObject()
                || number == null
                || !number.canConvertToLong()
                || reason == null
                || !reason.isTextual()) {
            throw new RowProblem("not an infer reject: needs a number 'line' and a string 'reason'");
        }
        JsonNode raw = reject.get("raw");
        String id = InferRejects.recordId(
                number.longValue(), reason.textValue(), raw != null && raw.isTextual() ? raw.textValue() : null);
        return resultRows.errorRow(id, reason.textValue());
    }

    /**
     * Starts the batch's transaction once the previous one has committed: one transaction in flight,
     * in input order, while the main thread reads and checks the next batch.
     */
    private void flush(InputKind kind, Batch batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Batch.Sourced> rows = batch.drain();
        settle();
        inFlightKind = kind;
        inFlightBatch = rows;
        inFlightProgress = pendingProgress;
        pendingProgress = 0;
        inFlight = upsert(kind, rows);
    }

    private CompletableFuture<Committed> upsert(InputKind kind, List<Batch.Sourced> sourced) {
        List<Row> rows = sourced.stream().map(Batch.Sourced::row).toList();
        long start = System.nanoTime();
        return (kind == InputKind.CHUNKS
                        ? upserts.chunks(rows, stamp, state.embeddings().pgvector())
                        : upserts.results(rows, stamp))
                .thenApply(counts -> new Committed(counts, rows.size(), System.nanoTime() - start));
    }

    /** A batch's counts, its rows stored, and how long it took from handing it over to the commit. */
    private record Committed(Map<String, TableCounts> counts, int rows, long nanos) {

        static final Committed NOTHING = new Committed(Map.of(), 0, 0);

        Committed plus(Committed other) {
            Map<String, TableCounts> sum = new LinkedHashMap<>(counts);
            other.counts.forEach((table, c) -> sum.merge(table, c, TableCounts::plus));
            return new Committed(sum, rows + other.rows, nanos + other.nanos);
        }
    }

    /**
     * A batch the database refused ({@link Db#rowRefusal}): its halves in transactions of their own, down to
     * the rows it refuses, each a reject with its line and the database's reason; the others are stored.
     * About log2(batch size) transactions per refused row, paid only when there is one.
     */
    private Committed storeAroundRefusal(InputKind kind, List<Batch.Sourced> rows, Db.Refusal refusal) {
        if (rows.size() == 1) {
            Batch.Sourced row = rows.get(0);
            reject(
                    row.input(),
                    row.line(),
                    "the database refused the row: " + refusal,
                    row.row().columns().toString());
            return Committed.NOTHING;
        }
        int half = rows.size() / 2;
        return storeOrSplit(kind, rows.subList(0, half)).plus(storeOrSplit(kind, rows.subList(half, rows.size())));
    }

    private Committed storeOrSplit(InputKind kind, List<Batch.Sourced> rows) {
        try {
            return Db.join("upserting " + rows.size() + " rows", upsert(kind, rows));
        } catch (RuntimeException e) {
            return storeAroundRefusal(kind, rows, Db.rowRefusal(e).orElseThrow(() -> e));
        }
    }

    /** Waits for the batch in flight, counts it, and stops here if SIGTERM came meanwhile. */
    private void settle() {
        if (inFlight == null) {
            return;
        }
        long waitStart = System.nanoTime();
        Committed committed;
        try {
            committed = Db.join("upserting a batch of " + inFlightBatch.size() + " rows", inFlight);
        } catch (RuntimeException e) {
            committed = storeAroundRefusal(
                    inFlightKind, inFlightBatch, Db.rowRefusal(e).orElseThrow(() -> e));
        }
        waitNanos += System.nanoTime() - waitStart;
        inFlight = null;
        dbNanos += committed.nanos();
        batchTimer.record(committed.nanos(), TimeUnit.NANOSECONDS);
        committed.counts().forEach((table, c) -> {
            tables.merge(table, c, TableCounts::plus);
            ctx.metrics()
                    .counter("store.rows", "table", table, "outcome", "inserted")
                    .increment(c.inserted());
            ctx.metrics()
                    .counter("store.rows", "table", table, "outcome", "updated")
                    .increment(c.updated());
            ctx.metrics()
                    .counter("store.rows", "table", table, "outcome", "unchanged")
                    .increment(c.unchanged());
        });
        rowsOut += committed.rows();
        batches++;
        ctx.progress().done(inFlightProgress);
        if (ctx.shutdown().requested()) {
            throw new TransientException("stopped by SIGTERM after " + batches + " committed batches (" + rowsOut
                    + " rows); a rerun upserts the input again and leaves the stored rows as they are");
        }
    }

    private void reject(Path input, long line, String reason, String raw) {
        rejects.reject(line, nameInputs ? input.getFileName() + ": " + reason : reason, raw);
        ownRejects++;
    }

    /** The output: one line per table touched, with what happened to its rows. */
    private void writeReceipt() {
        AtomicFile receipt = AtomicFile.create(s.output());
        try {
            for (Map.Entry<String, TableCounts> table : tables.entrySet()) {
                ObjectNode line = Json.MAPPER.createObjectNode();
                line.put("id", table.getKey());
                line.setAll(table.getValue().toJson());
                receipt.writer().write(line.toString());
                receipt.writer().write('\n');
            }
            receipt.commit();
        } catch (IOException e) {
            receipt.abandon();
            throw new UncheckedIOException("cannot write " + s.output(), e);
        }
    }

    private ObjectNode metrics(long startNanos) {
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        ObjectNode m = StageOutcome.object();
        m.put("rows_per_s", Math.round(rowsOut / seconds * 10) / 10.0);
        m.put("store_s", Math.round(seconds * 1000) / 1000.0);
        // db_s: batches from hand-over to commit (payload, transfer, server, commit); db_wait_s: of that, the
        // time the reader stood still waiting for it. A db_wait_s near store_s means the database sets the pace.
        m.put("db_s", Math.round(dbNanos / 1e6) / 1000.0);
        m.put("db_wait_s", Math.round(waitNanos / 1e6) / 1000.0);
        m.put("batches", batches);
        m.put("batch_size", s.batchSize());
        return m;
    }

    private ObjectNode extra() {
        ObjectNode extra = StageOutcome.object();
        extra.set("tables", tablesJson());
        extra.put("embedding_storage", state.embeddings().xcomName());
        extra.put("embedding_column", state.embeddings().columnType());
        extra.put("schema_version", state.version());
        extra.set("inputs", inputKinds);
        if (rejects.count() > 0) {
            extra.put("rejects_uri", DataUri.toUri(rejects.path()));
        }
        return extra;
    }

    private ObjectNode tablesJson() {
        ObjectNode json = Json.MAPPER.createObjectNode();
        tables.forEach((table, counts) -> json.set(table, counts.toJson()));
        return json;
    }

    private ObjectNode finishedRow(String status, StageOutcome outcome, String message) {
        ObjectNode row = Json.MAPPER.createObjectNode();
        row.put("status", status);
        row.put("records_in", outcome == null ? accepted : outcome.recordsIn());
        row.put("records_out", rowsOut);
        row.put("rejects", outcome == null ? ownRejects : outcome.rejects());
        row.put("dropped", superseded);
        row.set("tables", tablesJson());
        row.put("message", message);
        return row;
    }

    private String describeTables() {
        StringBuilder text = new StringBuilder();
        tables.forEach((table, c) -> text.append(text.length() == 0 ? "" : "; ")
                .append(String.format(
                        Locale.ROOT,
                        "%s: %d inserted, %d updated, %d unchanged",
                        table,
                        c.inserted(),
                        c.updated(),
                        c.unchanged())));
        return text.toString();
    }
}
