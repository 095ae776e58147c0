package dev.podstage.runtime.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.cache.Caches;
import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.config.CliOverrides;
import dev.podstage.runtime.config.ServiceSettings;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.config.StageConfigLoader;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.ledger.Claim;
import dev.podstage.runtime.ledger.JobIdentity;
import dev.podstage.runtime.ledger.Ledger;
import dev.podstage.runtime.metrics.StageMetrics;
import dev.podstage.runtime.xcom.XComWriter;
import io.micrometer.core.instrument.Timer;
import io.smallrye.config.SmallRyeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import picocli.CommandLine.ParseResult;

/**
 * The lifecycle every stage shares: validate configuration, consult the ledger, run, check that
 * nothing accepted was lost, write XCom, flush metrics, exit with the contract's code.
 */
@ApplicationScoped
public class StageRunner {

    private static final Logger LOG = Logger.getLogger(StageRunner.class);

    @Inject
    Ledger ledger;

    @Inject
    Caches caches;

    public int run(Stage stage, StageConfigLoader loader, ParseResult parsed) {
        long start = System.nanoTime();
        AirflowContext airflow = AirflowContext.fromEnvironment(System.getenv());
        SharedConfig shared;
        StageJob job;
        try {
            SmallRyeConfig config = loader.load(CliOverrides.from(parsed));
            shared = config.getConfigMapping(SharedConfig.class, SharedConfig.PREFIX);
            Checks.between("podstage.max-reject-ratio", shared.maxRejectRatio(), 0, 1);
            ServiceSettings.check(shared);
            job = stage.prepare(config, shared);
        } catch (StageException e) {
            LOG.error(e.getMessage());
            new XComWriter(null, Path.of("/dev/termination-log")).writeFailure(e.getMessage());
            return e.exitCode();
        }
        XComWriter xcom = new XComWriter(Path.of(shared.xcomPath()), Path.of(shared.terminationLogPath()));
        String status = "failed";
        LedgerSession session = null;
        Shutdown shutdown = new Shutdown();
        try (StageMetrics metrics = StageMetrics.create(shared, airflow, stage.name());
                Progress progress = new Progress(stage.name())) {
            try {
                LOG.infof(
                        "%s %s starting (%s; %s)",
                        stage.name(),
                        stage.version(),
                        airflow.describe(),
                        JvmResources.current().describe());
                job.inputs().forEach(StageRunner::checkInput);
                JobKey key = new JobKey(stage.name(), stage.version(), job.answerConfig(), job.inputs(), progress);
                if (!job.defersJobKey()) {
                    key.identity(); // the inputs' one pass, before the work (the ledger's claim asks anyway)
                }
                session = openLedger(shared, key, airflow);
                if (session != null && session.claim() instanceof Claim.AlreadyDone done) {
                    if (job.outputs().stream().allMatch(Files::exists)) {
                        LOG.infof(
                                "job %s already completed: returning its stored XCom without doing the work again",
                                shortKey(key.identity()));
                        ObjectNode stored = (ObjectNode) Json.MAPPER.readTree(done.xcom());
                        stored.put("status", "already_done");
                        xcom.write(stored);
                        status = "already_done";
                        return ExitCode.OK;
                    }
                    LOG.infof(
                            "job %s was completed but its outputs are gone: running it again",
                            shortKey(key.identity()));
                    session = session.reclaimCompleted();
                }
                shutdown.install();
                progress.start(shared.progressInterval());
                boolean resumed = session != null && session.claim() instanceof Claim.Granted g && g.resumed();
                StageOutcome outcome =
                        job.run(new StageContext(key, shared, airflow, metrics, progress, shutdown, resumed, caches));
                outcome.requireNothingLost();
                checkRejectRatio(outcome, shared.maxRejectRatio());
                ObjectNode value = xcomValue(stage, key.identity(), outcome, start);
                xcom.write(value);
                if (session != null) {
                    session.complete(Json.MAPPER.writeValueAsString(value));
                }
                LOG.info(progress.line());
                LOG.infof(
                        "%s done: %d in, %d out, %d rejected, %d dropped in %d ms",
                        stage.name(),
                        outcome.recordsIn(),
                        outcome.recordsOut(),
                        outcome.rejects(),
                        outcome.dropped(),
                        elapsedMillis(start));
                status = "success";
                recordCounts(metrics, outcome);
                return ExitCode.OK;
            } catch (StageException e) {
                status = e.exitCode() == ExitCode.TRANSIENT || e.exitCode() == ExitCode.BUDGET_EXCEEDED
                        ? "interrupted"
                        : "failed";
                return fail(
                        e.exitCode(),
                        e.getMessage(),
                        e.getCause(),
                        xcom,
                        session,
                        status.equals("interrupted"),
                        shutdown.requested());
            } catch (Exception e) {
                return fail(ExitCode.FAILURE, "unexpected failure: " + e, e, xcom, session, false, false);
            } finally {
                if (session != null) {
                    session.close();
                }
                Timer.builder("stage.duration")
                        .tag("status", status)
                        .register(metrics.registry())
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * {@code signalled}: the run stopped because it was asked to (an eviction, a node drain, a task marked
     * failed, Airflow's timeout). That stop, saved and resumable, is said at WARN: nothing went wrong in
     * the stage, and an operator searching the logs for ERROR finds the runs that failed.
     */
    private int fail(
            int exitCode,
            String message,
            Throwable cause,
            XComWriter xcom,
            LedgerSession session,
            boolean resumable,
            boolean signalled) {
        if (signalled && exitCode == ExitCode.TRANSIENT) {
            LOG.warn(message);
        } else if (cause != null && exitCode == ExitCode.FAILURE) {
            LOG.error(message, cause);
        } else {
            LOG.error(message);
        }
        xcom.writeFailure(message);
        if (session != null) {
            session.end(resumable, message);
        }
        return exitCode;
    }

    private LedgerSession openLedger(SharedConfig shared, JobKey key, AirflowContext airflow)
            throws InterruptedException {
        if (shared.dbUrl().isEmpty()) {
            LOG.info("idempotency ledger off: PODSTAGE_DB_URL is not set");
            return null;
        }
        JobIdentity identity = key.identity();
        String owner = owner(airflow);
        long deadline = System.nanoTime() + shared.ledgerWait().toNanos();
        while (true) {
            Claim claim = ledger.claim(identity, owner, airflow, shared.ledgerLease());
            if (!(claim instanceof Claim.Busy busy)) {
                if (claim instanceof Claim.Granted granted && granted.resumed()) {
                    LOG.infof("job %s resumed (attempt %d)", shortKey(identity), granted.attempt());
                }
                return new LedgerSession(ledger, identity, owner, claim, airflow, shared.ledgerLease());
            }
            if (System.nanoTime() > deadline) {
                throw new StageException(
                        ExitCode.TRANSIENT,
                        "job " + shortKey(identity) + " is still running in " + busy.owner() + " after waiting "
                                + shared.ledgerWait() + "; retry later");
            }
            LOG.infof(
                    "job %s is running in %s: waiting for it instead of duplicating the work",
                    shortKey(identity), busy.owner());
            Thread.sleep(Math.min(2_000, Math.max(100, shared.ledgerLease().toMillis() / 10)));
        }
    }

    private static void checkRejectRatio(StageOutcome outcome, double maxRatio) {
        long lines = outcome.recordsIn();
        if (lines > 0 && outcome.rejects() > maxRatio * lines) {
            throw StageException.inputData(String.format(
                    java.util.Locale.ROOT,
                    "%d of %d input lines rejected (%.1f%%), above podstage.max-reject-ratio=%s; see the rejects file",
                    outcome.rejects(),
                    lines,
                    100.0 * outcome.rejects() / lines,
                    maxRatio));
        }
    }

    private static ObjectNode xcomValue(Stage stage, JobIdentity identity, StageOutcome outcome, long start) {
        ObjectNode value = Json.MAPPER.createObjectNode();
        value.put("stage", stage.name());
        value.put("status", "success");
        value.put("records_in", outcome.recordsIn());
        value.put("records_out", outcome.recordsOut());
        value.put("rejects", outcome.rejects());
        value.put("dropped", outcome.dropped());
        var outputs = value.putArray("outputs");
        outcome.outputs().forEach(outputs::add);
        ObjectNode metrics = value.putObject("metrics");
        metrics.put("duration_ms", elapsedMillis(start));
        metrics.setAll(outcome.metrics());
        value.put("job_key", identity.key());
        value.put("stage_version", stage.version());
        value.setAll(outcome.extra());
        return value;
    }

    private static void recordCounts(StageMetrics metrics, StageOutcome outcome) {
        metrics.counter("stage.records", "kind", "in").increment(outcome.recordsIn());
        metrics.counter("stage.records", "kind", "out").increment(outcome.recordsOut());
        metrics.counter("stage.records", "kind", "rejected").increment(outcome.rejects());
    }

    private static void checkInput(Path path) {
        if (!Files.isRegularFile(path)) {
            throw StageException.inputData("input " + DataUri.toUri(path) + " does not exist or is not a file");
        }
    }

    private static String owner(AirflowContext airflow) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return host + "/" + ManagementFactory.getRuntimeMXBean().getPid()
                + (airflow.tryNumber() == null ? "" : "/try" + airflow.tryNumber());
    }

    private static String shortKey(JobIdentity identity) {
        return identity.key().substring(0, 12);
    }

    private static long elapsedMillis(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
