package dev.podstage.infer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The {@code max-in-flight} request slots, the requests waiting for one and the budget they draw
 * on. A request that ends hands its slot to the next ready one right there, on the event loop
 * that saw it end, so a slot never waits for the main thread to get round to it (docs/adr/0016).
 * The main thread queues requests and settles answers; both
 * threads launch, so the queue, the count and the budget sit behind one lock. Launching happens
 * outside it: a call that fails at once completes on the launching thread.
 */
final class RequestSlots {

    /**
     * A request ready to send: its inputs, their prompts, the body already encoded (by the main
     * thread, which queues it, so the event loop that launches it only sends), and its worst-case cost.
     */
    record Ready(List<Pending> batch, List<String> prompts, byte[] body, double estimate) {}

    private final int maxInFlight;
    private final Budget budget;
    private final Consumer<Ready> launch;
    private final ArrayDeque<Ready> queue = new ArrayDeque<>();
    private int inFlight;
    private long launched;
    private long settled;
    private boolean closed;

    RequestSlots(int maxInFlight, Budget budget, Consumer<Ready> launch) {
        this.maxInFlight = maxInFlight;
        this.budget = budget;
        this.launch = launch;
    }

    synchronized void add(Ready request) {
        queue.add(request);
    }

    synchronized int queued() {
        return queue.size();
    }

    /** Requests launched so far: every one of them ends in exactly one completion. */
    synchronized long launched() {
        return launched;
    }

    /** No more launches (a fatal failure, the budget, SIGTERM); what is in flight still ends normally. */
    synchronized void close() {
        closed = true;
    }

    /** A request ended: its slot is free; fills it at once unless the run is stopping. */
    void ended(boolean fillAgain) {
        synchronized (this) {
            inFlight--;
        }
        if (fillAgain) {
            fill();
        }
    }

    /** The request ended: its estimate is released and what it really cost is spent. */
    synchronized void settle(double estimate, double actual) {
        budget.settle(estimate, actual);
        settled++;
    }

    synchronized double spent() {
        return budget.spent();
    }

    synchronized String describeBudget() {
        return budget.describe();
    }

    /**
     * Launches queued requests while slots and budget allow. Returns true when the budget cannot
     * take the next request even though nothing is in flight or reserved any more: waiting would
     * not make room, the run has to stop.
     */
    boolean fill() {
        List<Ready> toLaunch = new ArrayList<>();
        boolean budgetExhausted = false;
        synchronized (this) {
            while (!closed && !queue.isEmpty() && inFlight < maxInFlight) {
                Ready next = queue.peek();
                if (!budget.fits(next.estimate())) {
                    budgetExhausted = launched == settled; // nothing out, nothing reserved
                    break; // otherwise answers still out settle their estimates and may make room
                }
                queue.poll();
                budget.reserve(next.estimate());
                inFlight++;
                launched++;
                toLaunch.add(next);
            }
        }
        toLaunch.forEach(launch);
        return budgetExhausted;
    }
}
