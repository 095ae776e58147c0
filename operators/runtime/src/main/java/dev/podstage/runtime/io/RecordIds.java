package dev.podstage.runtime.io;

/**
 * The one rule every stage holds for record ids: an id is Unicode text. A JSON escape can spell half of a
 * surrogate pair (<code>"\ud800"</code>), which is no character: UTF-8 cannot encode it, so two distinct
 * such ids would come out as one in an output file and in PostgreSQL. Such a record is rejected with the
 * reason, never mangled.
 */
public final class RecordIds {

    private RecordIds() {}

    /** Why {@code id} cannot be a record id, or null when it can. */
    public static String problem(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++; // a pair: one character
            } else if (Character.isSurrogate(c)) {
                return String.format(
                        "id is not Unicode text: a lone surrogate \\u%04X at character %d", (int) c, i + 1);
            }
        }
        return null;
    }
}
