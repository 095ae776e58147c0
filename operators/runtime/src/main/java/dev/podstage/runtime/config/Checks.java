package dev.podstage.runtime.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Range checks that name the key, the value and what is allowed. */
public final class Checks {

    private Checks() {}

    public static int positive(String key, int value) {
        if (value < 1) {
            throw new ConfigProblem(key, value, "an integer ≥ 1");
        }
        return value;
    }

    public static int atLeast(String key, int value, int min) {
        if (value < min) {
            throw new ConfigProblem(key, value, "an integer ≥ " + min);
        }
        return value;
    }

    public static Duration positive(String key, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new ConfigProblem(key, value, "a positive duration such as 30s");
        }
        return value;
    }

    public static double between(String key, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new ConfigProblem(key, value, "a number from " + min + " to " + max);
        }
        return value;
    }

    public static double nonNegative(String key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ConfigProblem(key, value, "a number ≥ 0");
        }
        return value;
    }

    public static <T> List<T> requiredList(String key, Optional<List<T>> value, String allowed) {
        if (value.isEmpty() || value.get().isEmpty()) {
            throw new ConfigProblem(key, null, allowed);
        }
        return value.get();
    }

    public static String required(String key, Optional<String> value, String allowed) {
        if (value.isEmpty() || value.get().isBlank()) {
            throw new ConfigProblem(key, null, allowed);
        }
        return value.get();
    }
}
