package dev.podstage.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Typed reads of record fields that turn a missing or mistyped value into a {@link RowProblem}.
 * Text must be free of NUL: PostgreSQL's text and jsonb cannot hold it, and one such value would
 * fail the whole batch instead of one record.
 */
final class Fields {

    private Fields() {}

    static String text(ObjectNode record, String field) throws RowProblem {
        JsonNode node = record.get(field);
        if (node == null || node.isNull()) {
            throw new RowProblem("missing string field '" + field + "'");
        }
        if (!node.isTextual()) {
            throw new RowProblem("field '" + field + "' is not a string");
        }
        return checked(field, node.textValue());
    }

    /** A non-empty text, or {@code fallback} when the field is absent or null (still an error when mistyped). */
    static String textOr(ObjectNode record, String field, String fallback) throws RowProblem {
        JsonNode node = record.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        return text(record, field);
    }

    static String checked(String field, String value) throws RowProblem {
        if (value.indexOf('\u0000') >= 0) {
            throw new RowProblem("field '" + field + "' holds a NUL character, which PostgreSQL text cannot store");
        }
        return value;
    }

    static int nonNegativeInt(ObjectNode record, String field) throws RowProblem {
        JsonNode node = record.get(field);
        if (node == null || node.isNull()) {
            throw new RowProblem("missing integer field '" + field + "'");
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
            throw new RowProblem("field '" + field + "' is not an integer from 0 to " + Integer.MAX_VALUE);
        }
        return node.intValue();
    }

    /** A number ≥ 0 rounded to a whole one (tokens, milliseconds), or null when absent. */
    static Long optionalCount(JsonNode parent, String field) throws RowProblem {
        JsonNode node = parent == null ? null : parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber() || !(node.doubleValue() >= 0) || node.doubleValue() > Long.MAX_VALUE) {
            throw new RowProblem("field '" + field + "' is not a number ≥ 0");
        }
        return Math.round(node.doubleValue());
    }

    static Double optionalAmount(JsonNode parent, String field) throws RowProblem {
        JsonNode node = parent == null ? null : parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber() || !(node.doubleValue() >= 0) || Double.isInfinite(node.doubleValue())) {
            throw new RowProblem("field '" + field + "' is not a number ≥ 0");
        }
        return node.doubleValue();
    }

    static boolean flag(ObjectNode record, String field) throws RowProblem {
        JsonNode node = record.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new RowProblem("field '" + field + "' is not true or false");
        }
        return node.booleanValue();
    }

    /** Any JSON value, checked deep for NUL in strings and names (jsonb refuses {@code \u0000}). */
    static JsonNode json(String field, JsonNode value) throws RowProblem {
        if (holdsNul(value)) {
            throw new RowProblem("field '" + field + "' holds a NUL character, which PostgreSQL jsonb cannot store");
        }
        return value;
    }

    private static boolean holdsNul(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\u0000') >= 0;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().indexOf('\u0000') >= 0 || holdsNul(e.getValue())) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                if (holdsNul(child)) {
                    return true;
                }
            }
        }
        return false;
    }
}
