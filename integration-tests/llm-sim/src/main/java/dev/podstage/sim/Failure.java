package dev.podstage.sim;

import java.util.Locale;

/** One way a request can fail: an HTTP error status, or a transport-level misbehaviour. */
record Failure(Kind kind, int status) {

    enum Kind { HTTP_ERROR, HANG, MALFORMED, RESET }

    static Failure parse(String type) {
        String t = type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "hang":
                return new Failure(Kind.HANG, 0);
            case "malformed":
                return new Failure(Kind.MALFORMED, 0);
            case "reset":
                return new Failure(Kind.RESET, 0);
            default:
                int status = t.matches("[45]\\d\\d") ? Integer.parseInt(t) : 0;
                if (status == 0) {
                    throw new IllegalArgumentException("unknown failure type '" + type
                            + "': use an HTTP status 400-599, hang, malformed or reset");
                }
                return new Failure(Kind.HTTP_ERROR, status);
        }
    }

    /** The pseudo-status this failure is counted under. */
    String label() {
        return kind == Kind.HTTP_ERROR ? Integer.toString(status) : kind.name().toLowerCase(Locale.ROOT);
    }
}
