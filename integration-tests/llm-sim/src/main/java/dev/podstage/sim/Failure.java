package dev.podstage.sim;

import java.util.Locale;

/** One way a request can fail: an HTTP error status, or a transport-level or body-level misbehaviour. */
record Failure(Kind kind, int status) {

    /**
     * {@code RETRY_AT}: a 429 whose Retry-After is an HTTP date; {@code ERROR_IN_200}: an error body behind a
     * 200, as some gateways send; {@code TRUNCATED}: the headers promise the whole answer, half of it comes and
     * the connection closes; {@code SLOW}: the answer comes, but only after {@link SimConfig#slowMs()} more.
     */
    enum Kind {
        HTTP_ERROR,
        RETRY_AT,
        ERROR_IN_200,
        HANG,
        MALFORMED,
        TRUNCATED,
        RESET,
        SLOW
    }

    static Failure parse(String type) {
        String t = type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "hang":
                return new Failure(Kind.HANG, 0);
            case "malformed":
                return new Failure(Kind.MALFORMED, 0);
            case "truncated":
                return new Failure(Kind.TRUNCATED, 0);
            case "reset":
                return new Failure(Kind.RESET, 0);
            case "slow":
                return new Failure(Kind.SLOW, 0);
            case "429-date":
                return new Failure(Kind.RETRY_AT, 429);
            case "error-200":
                return new Failure(Kind.ERROR_IN_200, 200);
            default:
                int status = t.matches("[45]\\d\\d") ? Integer.parseInt(t) : 0;
                if (status == 0) {
                    throw new IllegalArgumentException("unknown failure type '" + type + "': use an HTTP status"
                            + " 400-599, 429-date, error-200, hang, malformed, truncated, reset or slow");
                }
                return new Failure(Kind.HTTP_ERROR, status);
        }
    }

    /** The pseudo-status this failure is counted under. */
    String label() {
        return switch (kind) {
            case HTTP_ERROR -> Integer.toString(status);
            case RETRY_AT -> "429-date";
            case ERROR_IN_200 -> "error-200";
            default -> kind.name().toLowerCase(Locale.ROOT);
        };
    }
}
