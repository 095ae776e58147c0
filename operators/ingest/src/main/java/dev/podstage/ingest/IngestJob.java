package dev.podstage.ingest;

import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.stage.StageContext;
import dev.podstage.runtime.stage.StageJob;
import dev.podstage.runtime.stage.StageOutcome;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One prepared {@code ingest} run. Its inputs are resolved on first use — directories listed, URLs
 * downloaded to staging files — because the runtime digests the input files for the job key, and
 * for a URL that must be the bytes actually read. Staged downloads are removed when the JVM exits.
 */
final class IngestJob implements StageJob {

    private final IngestSettings settings;
    private final HttpFetch fetch;
    private Sources.Resolved resolved;

    IngestJob(IngestSettings settings) {
        this.settings = settings;
        this.fetch = new HttpFetch(settings.fetch());
    }

    synchronized Sources.Resolved resolved() {
        if (resolved == null) {
            resolved = new Sources(settings, settings.output(), fetch).resolve();
            List<Path> staged = resolved.staged();
            if (!staged.isEmpty()) {
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(
                                () -> staged.forEach(HttpFetch::deleteQuietly), "podstage-ingest-staging-cleanup"));
            }
        }
        return resolved;
    }

    /** What determines the shards besides the input bytes: the files and how they are read, ids, sharding, output. */
    @Override
    public Object answerConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(
                "sources", resolved().files().stream().map(SourceFile::describe).toList());
        config.put("id_field", settings.idFieldName());
        config.put("id_field_required", settings.idField().isPresent());
        config.put("text_field", settings.textField());
        config.put("csv_delimiter", String.valueOf(settings.csvDelimiter()));
        config.put(
                "shards",
                settings.plan().fixed().isPresent() ? settings.plan().fixed().getAsInt() : null);
        config.put(
                "shard_size",
                settings.plan().fixed().isPresent() ? null : settings.plan().shardSize());
        config.put("output", DataUri.toUri(settings.output()));
        return config;
    }

    @Override
    public List<Path> inputs() {
        return resolved().files().stream().map(SourceFile::path).toList();
    }

    @Override
    public List<Path> outputs() {
        return Manifest.files(settings.output());
    }

    @Override
    public StageOutcome run(StageContext context) throws Exception {
        return new IngestRun(settings, resolved(), fetch, context).execute();
    }
}
