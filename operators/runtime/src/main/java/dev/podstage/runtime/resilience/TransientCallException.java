package dev.podstage.runtime.resilience;

import java.time.Duration;

/**
 * A call that may succeed later: no answer (status 0), a malformed body (200), a timeout (408), a
 * rate limit (429, with its {@code Retry-After}) or a server error (5xx). Retried, then failed over.
 */
public final class TransientCallException extends RemoteCallException {

    TransientCallException(String endpoint, String message, int status, Duration retryAfter, Throwable cause) {
        super(endpoint, message, status, retryAfter, cause);
    }
}
