package dev.podstage.sim;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One default simulator for every test of a class; each test resets the knobs it depends on. */
abstract class SharedSimulator {

    static LlmSimulator sim;

    @BeforeAll
    static void startSimulator() {
        sim = LlmSimulator.start();
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }
}
