package dev.podstage.sim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.IntSupplier;

/**
 * A FIFO admission queue in front of the simulated "model", like a real server's batch slots.
 * Confined to the server's event loop, hence no locking. The limit is re-read on every admission,
 * so changing the knob takes effect with the next request or release.
 */
final class ConcurrencyGate {

    private final IntSupplier limit;
    private final Deque<Pass> waiting = new ArrayDeque<>();
    private int active;

    /** @param limit concurrent admissions allowed, 0 or less for unlimited */
    ConcurrencyGate(IntSupplier limit) {
        this.limit = limit;
    }

    /** Queues {@code onAdmit} and runs it as soon as a slot is free, possibly right away. */
    Pass enter(Runnable onAdmit) {
        Pass pass = new Pass(onAdmit);
        waiting.add(pass);
        admit();
        return pass;
    }

    private void admit() {
        while (!waiting.isEmpty() && (limit.getAsInt() <= 0 || active < limit.getAsInt())) {
            Pass pass = waiting.poll();
            active++;
            pass.admitted = true;
            pass.onAdmit.run();
        }
    }

    /** A place in the queue, then a slot. */
    final class Pass {
        private final Runnable onAdmit;
        private boolean admitted;
        private boolean released;

        private Pass(Runnable onAdmit) {
            this.onAdmit = onAdmit;
        }

        boolean admitted() {
            return admitted;
        }

        /** Gives the slot back, or leaves the queue if not admitted yet. Idempotent. */
        void release() {
            if (released) {
                return;
            }
            released = true;
            if (admitted) {
                active--;
                admit();
            } else {
                waiting.remove(this);
            }
        }
    }
}
