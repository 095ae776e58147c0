package dev.podstage.sim;

import java.util.Random;

/** The seeded randomness (jitter, random failures); restarts its sequence when the seed knob changes. */
final class Dice {

    private final SimConfig config;
    private long seed;
    private Random random;

    Dice(SimConfig config) {
        this.config = config;
        this.seed = config.seed();
        this.random = new Random(seed);
    }

    synchronized double nextDouble() {
        return current().nextDouble();
    }

    /** Uniform in [0, bound). */
    synchronized int nextInt(int bound) {
        return current().nextInt(bound);
    }

    /** Uniform in [0, max]. */
    synchronized long upTo(long max) {
        return max == 0 ? 0 : Math.floorMod(current().nextLong(), max + 1);
    }

    private Random current() {
        long wanted = config.seed();
        if (wanted != seed) {
            seed = wanted;
            random = new Random(wanted);
        }
        return random;
    }
}
