package dev.podstage.embed;

/**
 * How the cores are split: {@code workers} batches are encoded at once, each with
 * {@code intraOpThreads} threads, so workers × intra-op threads stays within the cores the pod has.
 * Several single-threaded batches at once use the cores better than one batch on many threads
 * (the matrix products of one short batch do not split evenly), hence one worker per core by default.
 */
record ThreadBudget(int cores, int workers, int intraOpThreads) {

    static ThreadBudget of(int cores, Integer workers, Integer intraOpThreads) {
        int w = workers != null ? workers : cores;
        int intra = intraOpThreads != null ? intraOpThreads : Math.max(1, cores / w);
        return new ThreadBudget(cores, w, intra);
    }

    boolean oversubscribed() {
        return workers * intraOpThreads > cores;
    }
}
