package dev.podstage.runtime.resilience;

import java.time.Duration;

/**
 * The endpoint refused the credentials (401, 403): configuration, which no retry mends. Reported
 * without the endpoint's own words, which may quote what was sent.
 */
public final class CredentialsRefusedException extends RemoteCallException {

    CredentialsRefusedException(String endpoint, String message, int status, Duration retryAfter) {
        super(endpoint, message, status, retryAfter, null);
    }
}
