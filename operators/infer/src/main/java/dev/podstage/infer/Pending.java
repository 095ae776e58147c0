package dev.podstage.infer;

import java.util.ArrayList;
import java.util.List;

/** One distinct input awaiting its answer, and every record (id, line) that asked for it. */
final class Pending {

    record Target(String id, long line) {}

    final String key;
    final String prompt;
    final List<Target> targets = new ArrayList<>(1);
    /** Set once the cache answered it, so it is not also sent. */
    boolean answered;

    Pending(String key, String prompt, Target first) {
        this.key = key;
        this.prompt = prompt;
        targets.add(first);
    }
}
