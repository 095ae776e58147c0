package dev.podstage.runtime.ledger;

import java.util.Locale;

public enum JobStatus {
    RUNNING,
    COMPLETED,
    INTERRUPTED,
    FAILED;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
