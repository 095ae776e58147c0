package dev.podstage.runtime.resilience;

import java.time.Duration;
import java.util.Optional;

/**
 * A remote call that did not give a usable answer, named by what the caller does about it: a
 * {@link TransientCallException} may succeed later and is retried; {@link CredentialsRefusedException}
 * and {@link RequestRejectedException} never will; an {@link UnexpectedStatusException} is not
 * retried on this endpoint. {@link #ofStatus} picks the type from the HTTP status. Messages never
 * carry request headers.
 */
public abstract sealed class RemoteCallException extends RuntimeException
        permits TransientCallException,
                CredentialsRefusedException,
                RequestRejectedException,
                UnexpectedStatusException {

    private final String endpoint;
    private final int status;
    private final Duration retryAfter;

    RemoteCallException(String endpoint, String message, int status, Duration retryAfter, Throwable cause) {
        super(message, cause, false, false);
        this.endpoint = endpoint;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** An HTTP status other than success, from {@code endpoint}. */
    public static RemoteCallException ofStatus(String endpoint, int status, Duration retryAfter, String detail) {
        String message = endpoint + " answered HTTP " + status + (detail.isEmpty() ? "" : ": " + detail);
        if (status == 408 || status == 429 || status >= 500) {
            return new TransientCallException(endpoint, message, status, retryAfter, null);
        }
        if (status == 401 || status == 403) {
            return new CredentialsRefusedException(endpoint, message, status, retryAfter);
        }
        if (status >= 400 && status < 500) {
            return new RequestRejectedException(endpoint, message, status, retryAfter);
        }
        return new UnexpectedStatusException(endpoint, message, status, retryAfter);
    }

    /** No HTTP answer: the connection failed, was refused or timed out. */
    public static RemoteCallException transport(String endpoint, Throwable cause) {
        String what = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
        return new TransientCallException(null, endpoint + " unreachable: " + what, 0, null, cause);
    }

    /** A 200 whose body is not the answer asked for. */
    public static RemoteCallException malformed(String endpoint, String detail) {
        return new TransientCallException(
                null, endpoint + " answered with a malformed body: " + detail, 200, null, null);
    }

    /** 0 when no HTTP status was received. */
    public int status() {
        return status;
    }

    /** The same call may succeed later. */
    public boolean retryable() {
        return this instanceof TransientCallException;
    }

    /** The endpoint that answered with an HTTP status; null when none did. */
    public String endpoint() {
        return endpoint;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
