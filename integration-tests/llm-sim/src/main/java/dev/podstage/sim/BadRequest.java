package dev.podstage.sim;

/** A request body the simulated API rejects with 400; the message is sent to the client. */
final class BadRequest extends RuntimeException {

    BadRequest(String message) {
        super(message, null, false, false);
    }
}
