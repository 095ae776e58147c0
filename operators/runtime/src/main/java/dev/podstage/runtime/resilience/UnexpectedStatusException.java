package dev.podstage.runtime.resilience;

import java.time.Duration;

/** A status the contract does not expect (1xx, 3xx): the endpoint misbehaves; not retried there, failed over. */
public final class UnexpectedStatusException extends RemoteCallException {

    UnexpectedStatusException(String endpoint, String message, int status, Duration retryAfter) {
        super(endpoint, message, status, retryAfter, null);
    }
}
