package dev.podstage.sim;

import io.vertx.core.buffer.Buffer;

/** One simulated API: turns a request body into its deterministic answer. */
interface Protocol {

    /** @throws BadRequest when the body is not a valid request of this API */
    Reply answer(Buffer body);
}
