package dev.podstage.runtime.stage;

import dev.podstage.runtime.ledger.Claim;
import dev.podstage.runtime.ledger.JobIdentity;
import dev.podstage.runtime.ledger.Ledger;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** This run's hold on its job key: heartbeats while the job runs, then records how it ended. */
final class LedgerSession implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LedgerSession.class);

    private final Ledger ledger;
    private final JobIdentity identity;
    private final String owner;
    private final Claim claim;
    private final AirflowContext airflow;
    private final Duration lease;
    private ScheduledExecutorService heartbeat;

    LedgerSession(
            Ledger ledger, JobIdentity identity, String owner, Claim claim, AirflowContext airflow, Duration lease) {
        this.ledger = ledger;
        this.identity = identity;
        this.owner = owner;
        this.claim = claim;
        this.airflow = airflow;
        this.lease = lease;
        if (claim instanceof Claim.Granted) {
            startHeartbeat();
        }
    }

    Claim claim() {
        return claim;
    }

    LedgerSession reclaimCompleted() {
        ledger.reopen(identity.key(), owner);
        return new LedgerSession(ledger, identity, owner, new Claim.Granted(true, 0), airflow, lease);
    }

    private void startHeartbeat() {
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "podstage-ledger-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1_000, lease.toMillis() / 3);
        heartbeat.scheduleAtFixedRate(
                () -> {
                    try {
                        ledger.heartbeat(identity.key(), owner);
                    } catch (RuntimeException e) {
                        LOG.warnf("ledger heartbeat failed: %s", e.getMessage());
                    }
                },
                period,
                period,
                TimeUnit.MILLISECONDS);
    }

    void complete(String xcom) {
        stopHeartbeat();
        ledger.complete(identity.key(), owner, xcom);
    }

    /** Resumable ends (SIGTERM, budget, transient failure) are "interrupted"; the rest "failed". */
    void end(boolean resumable, String reason) {
        stopHeartbeat();
        try {
            if (resumable) {
                ledger.interrupted(identity.key(), owner, reason);
            } else {
                ledger.failed(identity.key(), owner, reason);
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not record the job's end in the ledger: %s", e.getMessage());
        }
    }

    private void stopHeartbeat() {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
            heartbeat = null;
        }
    }

    @Override
    public void close() {
        stopHeartbeat();
    }
}
