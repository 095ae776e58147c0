package dev.podstage.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * RFC 4180 rows over physical lines: fields separated by one delimiter, optionally quoted, a quote
 * inside a quoted field doubled, line breaks allowed inside quotes. A row that breaks these rules
 * comes back with its problem instead of fields. A quote that never closes would swallow the rest
 * of the file: the row is rejected and the lines after its first are read again as rows of their
 * own, so one stray quote costs one row, not the file. Blank lines are skipped.
 */
final class CsvRows implements Closeable {

    /** A row that spans more characters than this is taken as an unbalanced quote. */
    static final int MAX_ROW_CHARS = 1 << 20;

    /** One row: its fields, or the reason it has none; {@code line} is where it starts. */
    record Row(long line, List<String> fields, String problem, String raw) {
        boolean ok() {
            return problem == null;
        }
    }

    private enum State {
        FIELD_START,
        UNQUOTED,
        QUOTED,
        AFTER_QUOTE
    }

    private final Utf8Lines lines;
    private final char delimiter;
    private final Deque<Utf8Lines.Line> replay = new ArrayDeque<>();
    private long linesRead;

    CsvRows(Utf8Lines lines, char delimiter) {
        this.lines = lines;
        this.delimiter = delimiter;
    }

    /** Physical lines read so far (each once, however often it was parsed). */
    long linesRead() {
        return linesRead;
    }

    private Utf8Lines.Line nextLine() throws IOException {
        Utf8Lines.Line line = replay.pollFirst();
        if (line != null) {
            return line;
        }
        line = lines.next();
        if (line != null) {
            linesRead++;
        }
        return line;
    }

    /** The next row, or null at the end of the input. */
    Row next() throws IOException {
        Utf8Lines.Line first;
        do {
            first = nextLine();
            if (first == null) {
                return null;
            }
        } while (first.ok() && first.text().isEmpty());
        if (!first.ok()) {
            return new Row(first.number(), null, first.problem(), first.raw());
        }
        return parse(first);
    }

    private Row parse(Utf8Lines.Line first) throws IOException {
        List<Utf8Lines.Line> consumed = new ArrayList<>();
        consumed.add(first);
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        State state = State.FIELD_START;
        int rowChars = 0;
        int openField = 0; // the field whose quote ran past the end of the first line
        Utf8Lines.Line line = first;
        while (true) {
            String text = line.text();
            rowChars += text.length() + 1;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (state) {
                    case FIELD_START:
                        if (c == '"') {
                            state = State.QUOTED;
                        } else if (c == delimiter) {
                            fields.add("");
                        } else {
                            field.append(c);
                            state = State.UNQUOTED;
                        }
                        break;
                    case UNQUOTED:
                        if (c == delimiter) {
                            fields.add(field.toString());
                            field.setLength(0);
                            state = State.FIELD_START;
                        } else if (c == '"') {
                            return problem(
                                    first,
                                    consumed,
                                    openField,
                                    "stray quote inside unquoted field "
                                            + (fields.size() + 1)
                                            + " (a field with quotes must be quoted as a whole, quotes"
                                            + " doubled)");
                        } else {
                            field.append(c);
                        }
                        break;
                    case QUOTED:
                        if (c == '"') {
                            state = State.AFTER_QUOTE;
                        } else {
                            field.append(c);
                        }
                        break;
                    case AFTER_QUOTE:
                        if (c == '"') {
                            field.append('"');
                            state = State.QUOTED;
                        } else if (c == delimiter) {
                            fields.add(field.toString());
                            field.setLength(0);
                            state = State.FIELD_START;
                        } else {
                            return problem(
                                    first,
                                    consumed,
                                    openField,
                                    "text after the closing quote of field " + (fields.size() + 1));
                        }
                        break;
                    default:
                        throw new IllegalStateException(state.name());
                }
            }
            if (state != State.QUOTED) {
                fields.add(field.toString());
                return new Row(first.number(), fields, null, raw(consumed));
            }
            field.append('\n'); // a line break inside quotes belongs to the field
            if (openField == 0) {
                openField = fields.size() + 1;
            }
            Utf8Lines.Line more = nextLine();
            if (more == null || !more.ok() || rowChars > MAX_ROW_CHARS) {
                if (more != null) {
                    consumed.add(more);
                }
                return unbalanced(first, consumed, openField);
            }
            consumed.add(more);
            line = more;
        }
    }

    /** Rejects the row's first line and gives the lines after it back, to be read as rows of their own. */
    private Row unbalanced(Utf8Lines.Line first, List<Utf8Lines.Line> consumed, int field) {
        for (int i = consumed.size() - 1; i >= 1; i--) {
            replay.addFirst(consumed.get(i));
        }
        return new Row(
                first.number(),
                null,
                "unbalanced quote: field " + field + " opens a quote that never closes",
                first.text());
    }

    /**
     * A broken row. When it broke on a later line than its first, the quote left open on the first
     * line is the likelier culprit: the first line is rejected as unbalanced and the rest read again.
     */
    private Row problem(Utf8Lines.Line first, List<Utf8Lines.Line> consumed, int openField, String reason) {
        if (consumed.size() > 1) {
            return unbalanced(first, consumed, openField);
        }
        return new Row(first.number(), null, reason, raw(consumed));
    }

    private static String raw(List<Utf8Lines.Line> consumed) {
        if (consumed.size() == 1) {
            return consumed.get(0).text();
        }
        StringBuilder raw = new StringBuilder();
        for (Utf8Lines.Line line : consumed) {
            if (raw.length() > 0) {
                raw.append('\n');
            }
            raw.append(line.ok() ? line.text() : line.raw());
        }
        return raw.toString();
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
