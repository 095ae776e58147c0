package dev.podstage.runtime.config;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Keys every stage shares, under {@code podstage.*}; each one settable by environment
 * ({@code PODSTAGE_REDIS_URL}) and, where the stage offers an option, on the command line.
 * Registered by {@link StageConfigLoader}, not by Quarkus at boot: see there why. Its methods are read
 * by reflection ({@link MappingKeys}) for the defaults the commands' shared options show.
 */
@ConfigMapping(prefix = "podstage")
@RegisterForReflection(methods = true)
public interface SharedConfig {

    String PREFIX = "podstage";

    /** Input URIs ({@code file:///…} or paths); {@code --input}, repeatable where a stage takes several. */
    Optional<List<String>> input();

    /** Output URI; rejects go next to it as {@code <output>.rejects.jsonl}. */
    Optional<String> output();

    /** Rejected / input lines above which the stage fails with exit code 3. */
    @WithDefault("0.01")
    double maxRejectRatio();

    /** {@code redis://host:port[/db]}; unset means no cache. */
    Optional<String> redisUrl();

    @WithDefault("true")
    boolean cacheEnabled();

    @WithDefault("7d")
    Duration cacheTtl();

    /** Per Redis command: a cache must never stall the stage it is meant to speed up. */
    @WithDefault("2s")
    Duration cacheTimeout();

    /** {@code postgresql://host:port/db}; unset means no idempotency ledger. */
    Optional<String> dbUrl();

    @WithDefault("podstage")
    String dbUser();

    /** Read from the environment (a Kubernetes Secret); never logged. */
    Optional<String> dbPassword();

    @WithDefault("localhost")
    String statsdHost();

    @WithDefault("8125")
    int statsdPort();

    @WithDefault("datadog")
    StatsdFlavorName statsdFlavor();

    @WithDefault("true")
    boolean metricsEnabled();

    @WithDefault("10s")
    Duration progressInterval();

    @WithDefault("/airflow/xcom/return.json")
    String xcomPath();

    @WithDefault("/dev/termination-log")
    String terminationLogPath();

    /** A/B variant label: tags metrics and result rows. */
    Optional<String> variant();

    /** How long a second claimant waits for a running job with the same key before giving up (exit 75). */
    @WithDefault("10m")
    Duration ledgerWait();

    /** A running claim not heartbeated for this long is taken as dead and may be taken over. */
    @WithDefault("2m")
    Duration ledgerLease();

    enum StatsdFlavorName {
        DATADOG,
        ETSY,
        TELEGRAF,
        SYSDIG
    }
}
