package dev.podstage.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a state the test itself brought about (a request held by the simulator, a line a stage logs
 * when it waits): never for time to pass. The limit only bounds a test that would otherwise hang.
 */
public final class Eventually {

    private Eventually() {}

    public static void await(String what, BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not reached within " + limit);
            }
            Thread.sleep(20);
        }
    }
}
