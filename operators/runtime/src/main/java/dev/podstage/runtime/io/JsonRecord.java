package dev.podstage.runtime.io;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One accepted input record: its line number in the input, its id and all its fields. */
public record JsonRecord(long line, String id, ObjectNode fields) {

    /** A text field, or null when absent or not a string. */
    public String text(String field) {
        var node = fields.get(field);
        return node != null && node.isTextual() ? node.textValue() : null;
    }
}
