package dev.podstage.infer;

import java.util.HashMap;
import java.util.Map;

/**
 * Identical inputs within one run, asked for once: a record whose prompt is already open joins it,
 * and one whose prompt was answered earlier in the run takes that answer. Switched off
 * ({@code podstage.infer.dedupe=false}), every record is its own input and nothing is kept.
 */
final class InFlightDedupe {

    private final boolean enabled;
    private final Map<String, Pending> open = new HashMap<>();
    private final Map<String, StoredAnswer> answered = new HashMap<>();

    InFlightDedupe(boolean enabled) {
        this.enabled = enabled;
    }

    /** True when an input with this key is still open: the record joins it and is answered with it. */
    boolean joinOpen(String key, Pending.Target target) {
        Pending same = enabled ? open.get(key) : null;
        if (same == null) {
            return false;
        }
        same.targets.add(target);
        return true;
    }

    /** The answer this run already has for the key, or null. */
    StoredAnswer answered(String key) {
        return enabled ? answered.get(key) : null;
    }

    /** A new input, open until it is answered or rejected. */
    void opened(Pending pending) {
        if (enabled) {
            open.put(pending.key, pending);
        }
    }

    /** The input is answered: later records with the same key take the answer. */
    void settled(Pending pending, StoredAnswer answer) {
        open.remove(pending.key);
        if (enabled) {
            answered.put(pending.key, answer);
        }
    }

    /** The input was rejected: a later record with the same key is asked for afresh. */
    void dropped(Pending pending) {
        open.remove(pending.key);
    }
}
