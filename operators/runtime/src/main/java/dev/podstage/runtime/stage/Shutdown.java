package dev.podstage.runtime.stage;

import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * SIGTERM (pod eviction, Airflow task timeout) and SIGINT become a request to stop: the stage stops
 * intake, settles in-flight work, saves what is done and exits 75. Replacing the JVM's handler is
 * deliberate: the default would run shutdown hooks and exit 143 while work is half-written.
 * A second signal exits at once.
 */
public final class Shutdown {

    private static final Logger LOG = Logger.getLogger(Shutdown.class);

    private final AtomicInteger signals = new AtomicInteger();

    public void install() {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), this::onSignal);
            } catch (IllegalArgumentException unsupported) {
                LOG.debugf("cannot handle SIG%s here", name);
            }
        }
    }

    private void onSignal(Signal signal) {
        if (signals.incrementAndGet() == 1) {
            LOG.warnf("SIG%s received: stopping intake, settling in-flight work, saving progress", signal.getName());
        } else {
            LOG.warnf("second SIG%s: exiting now", signal.getName());
            Runtime.getRuntime().halt(ExitCode.TRANSIENT);
        }
    }

    /** Lets tests and embedding code ask for a stop without a signal. */
    public void request() {
        signals.incrementAndGet();
    }

    public boolean requested() {
        return signals.get() > 0;
    }
}
