package dev.podstage.runtime.stage;

import dev.podstage.runtime.cache.ResultCache;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.metrics.StageMetrics;

/** What the runtime hands a running job: its key, configuration, meters, progress, stop requests, the cache. */
public record StageContext(
        JobKey key,
        SharedConfig shared,
        AirflowContext airflow,
        StageMetrics metrics,
        Progress progress,
        Shutdown shutdown,
        boolean resumed,
        CacheProvider caches) {

    /** The job key; the first call scans the inputs when the runner has not needed to yet ({@link JobKey}). */
    public String jobKey() {
        return key.value();
    }

    public ResultCache cache(String namespace) {
        return caches.open(namespace, shared, metrics);
    }

    /** Opens the cache a stage asks for; a seam so the lifecycle does not depend on Redis. */
    public interface CacheProvider {
        ResultCache open(String namespace, SharedConfig shared, StageMetrics metrics);
    }
}
