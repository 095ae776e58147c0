package dev.podstage.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.io.Rejects;
import dev.podstage.runtime.stage.StageContext;
import dev.podstage.runtime.stage.StageOutcome;
import dev.podstage.runtime.stage.TransientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The work of one {@code ingest} run: read every source in order into the spool — generating the
 * ids that are missing and dropping repeated ids (the first occurrence in input order wins) — then
 * fix the shard count, deal the records out to their shards, and write the manifest.
 *
 * <p>SIGTERM stops the reading and exits 75 with nothing written: ingest is cheap next to the
 * stages after it, so a rerun starts over rather than resuming.
 */
final class IngestRun implements Intake {

    private static final Logger LOG = Logger.getLogger(IngestRun.class);
    private static final int DUPLICATES_LOGGED = 5;

    private final IngestSettings settings;
    private final Sources.Resolved resolved;
    private final HttpFetch fetch;
    private final StageContext ctx;
    private final RecordIds ids = new RecordIds();
    private final Set<RecordIds.Key> seen = new HashSet<>();
    private final Map<String, Long> recordsByFormat = new TreeMap<>();
    private Rejects rejects;
    private Spool spool;
    private SourceFile current;
    private long recordsIn;
    private long generatedIds;
    private long duplicateIds;

    IngestRun(IngestSettings settings, Sources.Resolved resolved, HttpFetch fetch, StageContext ctx) {
        this.settings = settings;
        this.resolved = resolved;
        this.fetch = fetch;
        this.ctx = ctx;
    }

    StageOutcome execute() throws IOException {
        Path dir = settings.output();
        rejects = new Rejects(dir);
        try (Spool opened = new Spool(dir)) {
            spool = opened;
            LOG.infof(
                    "reading %d files into %s",
                    resolved.files().size(), settings.plan().describe());
            for (SourceFile file : resolved.files()) {
                if (stopping()) {
                    break;
                }
                current = file;
                SourceReader.of(file.format(), settings).read(file, this);
            }
            if (stopping()) {
                throw new TransientException("stopped by SIGTERM after reading " + recordsIn
                        + " records; no shard was written, a rerun starts over");
            }
            spool.seal();
            int count = settings.plan().shardCount(spool.records());
            long[] perShard = ShardFiles.write(dir, count, spool);
            Manifest.write(dir, ctx.jobKey(), perShard);
            ShardFiles.removeStale(dir, count);
            rejects.commit();
            return outcome(dir, perShard);
        } finally {
            rejects.close();
        }
    }

    @Override
    public void accept(IngestRecord record) {
        recordsIn++;
        String id = record.id();
        if (id == null) {
            id = RecordIds.generate(record.text(), record.metadata());
            generatedIds++;
        }
        RecordIds.Digest digest = ids.digest(id);
        if (!seen.add(digest.key())) {
            duplicateIds++;
            if (duplicateIds <= DUPLICATES_LOGGED) {
                LOG.infof(
                        "duplicate id '%s' at %s: dropped, the first occurrence is kept%s",
                        id,
                        record.source(),
                        duplicateIds == DUPLICATES_LOGGED ? " (further duplicates are only counted)" : "");
            }
            return;
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", id);
        out.put("text", record.text());
        out.set("source", record.source());
        out.set("metadata", record.metadata());
        try {
            spool.add(digest.shardHash(), Json.MAPPER.writeValueAsBytes(out));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        recordsByFormat.merge(current.format().configName(), 1L, Long::sum);
    }

    @Override
    public void reject(long line, String reason, String raw) {
        recordsIn++;
        rejects.reject(line, reason, raw);
    }

    @Override
    public void lines(long count) {
        ctx.progress().done(count);
    }

    @Override
    public boolean stopping() {
        return ctx.shutdown().requested();
    }

    private StageOutcome outcome(Path dir, long[] perShard) {
        List<String> outputs = new ArrayList<>();
        ObjectNode extra = StageOutcome.object();
        ArrayNode shards = extra.putArray("shards");
        ArrayNode shardRecords = extra.putArray("shard_records");
        int empty = 0;
        for (int i = 0; i < perShard.length; i++) {
            String uri = DataUri.toUri(dir.resolve(ShardFiles.name(i, perShard.length)));
            outputs.add(uri);
            if (perShard[i] > 0) {
                shards.add(uri);
                shardRecords.add(perShard[i]);
            } else {
                empty++;
            }
        }
        extra.put("shard_count", perShard.length);
        extra.put("empty_shards", empty);
        extra.put("generated_ids", generatedIds);
        extra.put("duplicate_ids", duplicateIds);
        extra.put("manifest", DataUri.toUri(Manifest.path(dir)));
        if (rejects.count() > 0) {
            extra.put("rejects_uri", DataUri.toUri(rejects.path()));
        }
        ObjectNode metrics = StageOutcome.object();
        metrics.put("files", resolved.files().size());
        metrics.put("skipped_files", resolved.skipped().size());
        metrics.put("downloads", resolved.staged().size());
        metrics.put("fetch_retries", fetch.retries());
        metrics.put("generated_ids", generatedIds);
        metrics.put("duplicate_ids", duplicateIds);
        metrics.put("shard_count", perShard.length);
        metrics.put("empty_shards", empty);
        ObjectNode byFormat = metrics.putObject("records_by_format");
        recordsByFormat.forEach(byFormat::put);
        if (generatedIds > 0) {
            LOG.infof("%d records had no id: each got sha256:<16 hex> of its text and metadata", generatedIds);
        }
        if (duplicateIds > 0) {
            LOG.infof("%d records repeated an id seen before and were dropped (first occurrence kept)", duplicateIds);
        }
        ctx.metrics().counter("ingest.duplicate_ids").increment(duplicateIds);
        ctx.metrics().counter("ingest.generated_ids").increment(generatedIds);
        return new StageOutcome(recordsIn, spool.records(), rejects.count(), duplicateIds, outputs, metrics, extra);
    }
}
