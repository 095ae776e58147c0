package dev.podstage.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One row to upsert: its natural key (as one string, for de-duplication and ordering within a
 * batch) and its columns, already checked and typed so the database never meets a value it
 * would fail the whole batch on.
 */
record Row(String key, ObjectNode columns) {

    /** Joins key parts with a character no checked field can hold. */
    static String key(String... parts) {
        return String.join("\u0000", parts);
    }
}
