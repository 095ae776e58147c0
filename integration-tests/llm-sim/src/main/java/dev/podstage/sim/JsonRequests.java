package dev.podstage.sim;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Strict reading of request fields; every violation is a {@link BadRequest} naming the field. */
final class JsonRequests {

    private JsonRequests() {}

    static JsonObject object(Buffer body) {
        try {
            return new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            throw new BadRequest("request body must be a JSON object");
        }
    }

    static String string(JsonObject request, String field) {
        if (!(request.getValue(field) instanceof String value)) {
            throw new BadRequest("'" + field + "' must be a string");
        }
        return value;
    }

    static String string(JsonObject request, String field, String absent) {
        return request.getValue(field) == null ? absent : string(request, field);
    }

    /** A string or a non-empty array of strings, as the batched APIs accept. */
    static List<String> strings(JsonObject request, String field) {
        Object value = request.getValue(field);
        if (value instanceof String single) {
            return List.of(single);
        }
        if (value instanceof JsonArray array && !array.isEmpty()) {
            List<String> list = new ArrayList<>(array.size());
            for (Object item : array) {
                if (!(item instanceof String text)) {
                    throw new BadRequest("'" + field + "' must hold only strings");
                }
                list.add(text);
            }
            return list;
        }
        throw new BadRequest("'" + field + "' must be a string or a non-empty array of strings");
    }

    /** A positive whole number, or {@code absent} when the field is missing or null. */
    static int positiveInt(JsonObject request, String field, int absent) {
        Object value = request.getValue(field);
        if (value == null) {
            return absent;
        }
        if (value instanceof Number n
                && n.doubleValue() >= 1
                && n.doubleValue() <= Integer.MAX_VALUE
                && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw new BadRequest("'" + field + "' must be a positive integer");
    }
}
