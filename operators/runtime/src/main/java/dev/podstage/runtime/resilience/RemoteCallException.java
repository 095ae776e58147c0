package dev.podstage.runtime.resilience;

import java.time.Duration;
import java.util.Optional;

/**
 * A remote call that did not give a usable answer. {@code retryable} says whether the same call
 * may succeed later (429, 5xx, timeouts, broken connections, malformed bodies); a non-retryable
 * one (400, 401, 404…) is not retried on this endpoint. Messages never carry request headers.
 */
public class RemoteCallException extends RuntimeException {

    private final String endpoint;
    private final int status;
    private final boolean retryable;
    private final Duration retryAfter;

    public RemoteCallException(String message, int status, boolean retryable, Duration retryAfter, Throwable cause) {
        this(null, message, status, retryable, retryAfter, cause);
    }

    private RemoteCallException(
            String endpoint, String message, int status, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause, false, false);
        this.endpoint = endpoint;
        this.status = status;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public static RemoteCallException ofStatus(String endpoint, int status, Duration retryAfter, String detail) {
        boolean retryable = status == 408 || status == 429 || status >= 500;
        return new RemoteCallException(
                endpoint,
                endpoint + " answered HTTP " + status + (detail.isEmpty() ? "" : ": " + detail),
                status,
                retryable,
                retryAfter,
                null);
    }

    public static RemoteCallException transport(String endpoint, Throwable cause) {
        String what = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
        return new RemoteCallException(endpoint + " unreachable: " + what, 0, true, null, cause);
    }

    public static RemoteCallException malformed(String endpoint, String detail) {
        return new RemoteCallException(endpoint + " answered with a malformed body: " + detail, 200, true, null, null);
    }

    /** 0 when no HTTP status was received. */
    public int status() {
        return status;
    }

    public boolean retryable() {
        return retryable;
    }

    /** The endpoint that answered with an HTTP status; null when none did. */
    public String endpoint() {
        return endpoint;
    }

    /**
     * The endpoint refused the credentials (401, 403): a configuration problem, which no retry mends. Said
     * without the endpoint's own words, which may quote what was sent.
     */
    public boolean credentialsRefused() {
        return status == 401 || status == 403;
    }

    /** The request itself is wrong (4xx other than auth, 408, 429): no endpoint will accept it. */
    public boolean requestRejected() {
        return status >= 400 && status < 500 && status != 401 && status != 403 && status != 408 && status != 429;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
