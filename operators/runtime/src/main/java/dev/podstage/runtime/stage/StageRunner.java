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
 * The lifecycle every stage shares, in four phases: prepare (validate configuration, build the
 * job), claim (consult the ledger: a job already done returns its stored XCom), execute (run the
 * job, check that nothing accepted was lost and the rejects stayed under their limit) and report
 * (XCom, ledger, logs, counts). How the run ended is derived once, as a {@link RunStatus} and the
 * contract's exit code.
 */
@ApplicationScoped
public class StageRunner {

    private static final Logger LOG = Logger.getLogger(StageRunner.class);

    @Inject
    Ledger ledger;

    @Inject
    Caches caches;

    /** What the prepare phase hands on: the shared settings and the stage's job. */
    private record Prepared(SharedConfig shared, StageJob job) {}

    /** How a run ended. */
    private record Ending(RunStatus status, int exitCode) {}

    public int run(Stage stage, StageConfigLoader loader, ParseResult parsed) {
        long start = System.nanoTime();
        AirflowContext airflow = AirflowContext.fromEnvironment(System.getenv());
        Prepared prepared;
        try {
            prepared = prepare(stage, loader, parsed);
        } catch (StageException e) {
            LOG.error(e.getMessage());
            new XComWriter(null, Path.of("/dev/termination-log")).writeFailure(e.getMessage());
            return e.exitCode();
        }
        SharedConfig shared = prepared.shared();
        XComWriter xcom = new XComWriter(Path.of(shared.xcomPath()), Path.of(shared.terminationLogPath()));
        try (StageMetrics metrics = StageMetrics.create(shared, airflow, stage.name());
                Progress progress = new Progress(stage.name())) {
            Attempt attempt = new Attempt(stage, prepared, airflow, xcom, metrics, progress, start);
            Ending ending = null;
            try {
                ending = attempt.run();
                return ending.exitCode();
            } finally {
                attempt.closeLedger();
                Timer.builder("stage.duration")
                        .tag("status", (ending == null ? RunStatus.FAILED : ending.status()).tag)
                        .register(metrics.registry())
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Phase 1: the configuration, validated before anything else, and the stage's job built from it. */
    private static Prepared prepare(Stage stage, StageConfigLoader loader, ParseResult parsed) {
        SmallRyeConfig config = loader.load(CliOverrides.from(parsed));
        SharedConfig shared = config.getConfigMapping(SharedConfig.class, SharedConfig.PREFIX);
        Checks.between("podstage.max-reject-ratio", shared.maxRejectRatio(), 0, 1);
        ServiceSettings.check(shared);
        return new Prepared(shared, stage.prepare(config, shared));
    }

    /** One prepared run: the claim, execute and report phases, and how it ended. */
    private final class Attempt {
        private final Stage stage;
        private final SharedConfig shared;
        private final StageJob job;
        private final AirflowContext airflow;
        private final XComWriter xcom;
        private final StageMetrics metrics;
        private final Progress progress;
        private final long start;
        private final Shutdown shutdown = new Shutdown();
        private LedgerSession session;

        Attempt(
                Stage stage,
                Prepared prepared,
                AirflowContext airflow,
                XComWriter xcom,
                StageMetrics metrics,
                Progress progress,
                long start) {
            this.stage = stage;
            this.shared = prepared.shared();
            this.job = prepared.job();
            this.airflow = airflow;
            this.xcom = xcom;
            this.metrics = metrics;
            this.progress = progress;
            this.start = start;
        }

        Ending run() {
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
                if (claim(key)) {
                    return new Ending(RunStatus.ALREADY_DONE, ExitCode.OK);
                }
                report(key, execute(key));
                return new Ending(RunStatus.SUCCESS, ExitCode.OK);
            } catch (StageException e) {
                return fail(e);
            } catch (Exception e) {
                return fail(new InternalFailureException("unexpected failure: " + e, e));
            }
        }

        /**
         * Phase 2: the ledger's claim on the job. True when the job was done already and its outputs are
         * still there: its stored XCom is returned and nothing runs.
         */
        private boolean claim(JobKey key) throws Exception {
            session = openLedger(shared, key, airflow);
            if (session != null && session.claim() instanceof Claim.AlreadyDone done) {
                if (job.outputs().stream().allMatch(Files::exists)) {
                    LOG.infof(
                            "job %s already completed: returning its stored XCom without doing the work again",
                            shortKey(key.identity()));
                    xcom.write(XComSummary.alreadyDone(done.xcom()));
                    return true;
                }
                LOG.infof("job %s was completed but its outputs are gone: running it again", shortKey(key.identity()));
                session = session.reclaimCompleted();
            }
            return false;
        }

        /** Phase 3: the job's run, then the checks every stage's outcome must pass. */
        private StageOutcome execute(JobKey key) throws Exception {
            shutdown.install();
            progress.start(shared.progressInterval());
            boolean resumed = session != null && session.claim() instanceof Claim.Granted g && g.resumed();
            StageOutcome outcome =
                    job.run(new StageContext(key, shared, airflow, metrics, progress, shutdown, resumed, caches));
            outcome.requireNothingLost();
            checkRejectRatio(outcome, shared.maxRejectRatio());
            return outcome;
        }

        /** Phase 4: the XCom, the ledger's record of it, the closing log lines and the record counts. */
        private void report(JobKey key, StageOutcome outcome) throws Exception {
            ObjectNode value = XComSummary.success(
                    stage.name(), stage.version(), key.identity().key(), outcome, elapsedMillis(start));
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
            recordCounts(metrics, outcome);
        }

        /**
         * A run that stopped because it was asked to (an eviction, a node drain, a task marked failed,
         * Airflow's timeout), saved and resumable, is said at WARN: nothing went wrong in the stage, and an
         * operator searching the logs for ERROR finds the runs that failed.
         */
        private Ending fail(StageException failure) {
            String message = failure.getMessage();
            if (shutdown.requested() && failure instanceof TransientException) {
                LOG.warn(message);
            } else if (failure.getCause() != null && failure instanceof InternalFailureException) {
                LOG.error(message, failure.getCause());
            } else {
                LOG.error(message);
            }
            xcom.writeFailure(message);
            if (session != null) {
                session.end(failure.resumable(), message);
            }
            return new Ending(RunStatus.of(failure), failure.exitCode());
        }

        void closeLedger() {
            if (session != null) {
                session.close();
            }
        }
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
                throw new TransientException("job " + shortKey(identity) + " is still running in " + busy.owner()
                        + " after waiting " + shared.ledgerWait() + "; retry later");
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
            throw new InputRejectedException(String.format(
                    java.util.Locale.ROOT,
                    "%d of %d input lines rejected (%.1f%%), above podstage.max-reject-ratio=%s; see the rejects file",
                    outcome.rejects(),
                    lines,
                    100.0 * outcome.rejects() / lines,
                    maxRatio));
        }
    }

    private static void recordCounts(StageMetrics metrics, StageOutcome outcome) {
        metrics.counter("stage.records", "kind", "in").increment(outcome.recordsIn());
        metrics.counter("stage.records", "kind", "out").increment(outcome.recordsOut());
        metrics.counter("stage.records", "kind", "rejected").increment(outcome.rejects());
    }

    private static void checkInput(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new InputRejectedException("input " + DataUri.toUri(path) + " does not exist or is not a file");
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
