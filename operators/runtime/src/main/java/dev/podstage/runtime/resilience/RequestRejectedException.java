package dev.podstage.runtime.resilience;

import java.time.Duration;

/**
 * The request itself is wrong (a 4xx other than 401, 403, 408 and 429): no endpoint will accept it,
 * so it is neither retried nor failed over, and it says nothing about the endpoint's health.
 */
public final class RequestRejectedException extends RemoteCallException {

    RequestRejectedException(String endpoint, String message, int status, Duration retryAfter) {
        super(endpoint, message, status, retryAfter, null);
    }
}
