package dev.podstage.runtime.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One accepted input record: its line number in the input, its id and all its fields. A record the
 * reader scanned without Jackson builds its tree only when a stage asks for {@link #fields()};
 * {@link #text} of a top-level field needs no tree.
 */
public final class JsonRecord {

    private final long line;
    private final String id;
    private final JsonObjectScanner.TopLevelStrings strings;
    private ObjectNode fields;

    public JsonRecord(long line, String id, ObjectNode fields) {
        this.line = line;
        this.id = id;
        this.fields = fields;
        this.strings = null;
    }

    JsonRecord(long line, String id, JsonObjectScanner.TopLevelStrings strings) {
        this.line = line;
        this.id = id;
        this.strings = strings;
    }

    public long line() {
        return line;
    }

    public String id() {
        return id;
    }

    /** All fields, as Jackson reads the line. */
    public ObjectNode fields() {
        if (fields == null) {
            try {
                fields = (ObjectNode) Json.MAPPER.readTree(strings.line());
            } catch (IOException e) {
                throw new UncheckedIOException("line " + line + " was scanned as a JSON object but does not parse", e);
            }
        }
        return fields;
    }

    /** A text field, or null when absent or not a string. */
    public String text(String field) {
        if (strings != null) {
            return strings.get(field);
        }
        var node = fields.get(field);
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    @Override
    public String toString() {
        return "JsonRecord[line=" + line + ", id=" + id + "]";
    }
}
