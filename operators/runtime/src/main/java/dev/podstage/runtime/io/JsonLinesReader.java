package dev.podstage.runtime.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams JSON Lines one record at a time (never the whole file). Lines that are not UTF-8, not a
 * JSON object, or lack a string {@code id} go to the {@link Rejects} with their line number and
 * reason, and so does an id that is not Unicode text ({@link RecordIds}); blank lines are skipped.
 * A UTF-8 byte order mark that starts the file is dropped, as ingest drops it (what some Windows
 * editors and spreadsheet exports write first).
 */
public final class JsonLinesReader implements Closeable {

    public static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    private static final String MISSING_ID = "missing string field 'id'";

    private final ByteLines lines;
    /** Accepts the plain lines without Jackson; the others Jackson parses (and names their faults). */
    private final JsonObjectScanner scanner = new JsonObjectScanner();

    private final Rejects rejects;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long lastLine;

    public JsonLinesReader(Path path, Rejects rejects) {
        try {
            this.lines =
                    new ByteLines(new BufferedInputStream(Files.newInputStream(path), 1 << 16), MAX_LINE_BYTES, true);
        } catch (IOException e) {
            throw StageInputs.unreadable(path, e);
        }
        this.rejects = rejects;
    }

    /** The next accepted record, or null at the end of the input. */
    public JsonRecord next() {
        try {
            ByteLines.Line line;
            while ((line = lines.next()) != null) {
                lastLine = line.number();
                JsonRecord record = parse(line);
                if (record != null) {
                    return record;
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read input after line " + lastLine, e);
        }
    }

    /** Line number of the last line read (accepted or not): the input's size once exhausted. */
    public long linesRead() {
        return lastLine;
    }

    private JsonRecord parse(ByteLines.Line line) {
        if (line.truncated()) {
            rejects.reject(line.number(), "line longer than " + MAX_LINE_BYTES + " bytes", line.bytes(), line.length());
            return null;
        }
        byte[] bytes = line.bytes();
        int length = line.length();
        // Most lines are ASCII, which is valid UTF-8: scanned or parsed as bytes (no decode, no string).
        boolean ascii = isAscii(bytes, length);
        String text = null;
        if (!ascii) {
            try {
                text = utf8.decode(ByteBuffer.wrap(bytes, 0, length)).toString();
            } catch (CharacterCodingException e) {
                rejects.reject(line.number(), "not valid UTF-8", bytes, length);
                return null;
            }
        }
        if (ascii ? isBlank(bytes, length) : text.isBlank()) {
            return null;
        }
        if (ascii) {
            JsonObjectScanner.TopLevelStrings strings = scanner.scan(bytes, length);
            if (strings != null) {
                String id = strings.get("id");
                if (id == null || id.isEmpty()) {
                    rejects.reject(line.number(), MISSING_ID, text(bytes, length, null));
                    return null;
                }
                return unicodeId(line, id, bytes, length, null) ? new JsonRecord(line.number(), id, strings) : null;
            }
        }
        JsonNode node;
        try {
            node = ascii ? Json.MAPPER.readTree(bytes, 0, length) : Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            rejects.reject(line.number(), "not valid JSON: " + e.getOriginalMessage(), text(bytes, length, text));
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // parsing bytes in memory does no I/O
        }
        if (!(node instanceof ObjectNode object)) {
            rejects.reject(line.number(), "not a JSON object", text(bytes, length, text));
            return null;
        }
        JsonNode id = object.get("id");
        if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
            rejects.reject(line.number(), MISSING_ID, text(bytes, length, text));
            return null;
        }
        return unicodeId(line, id.textValue(), bytes, length, text)
                ? new JsonRecord(line.number(), id.textValue(), object)
                : null;
    }

    private boolean unicodeId(ByteLines.Line line, String id, byte[] bytes, int length, String decoded) {
        String problem = RecordIds.problem(id);
        if (problem != null) {
            rejects.reject(line.number(), problem, text(bytes, length, decoded));
        }
        return problem == null;
    }

    private static boolean isAscii(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** Blank as {@link String#isBlank} sees ASCII: only whitespace and control characters up to space. */
    private static boolean isBlank(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (!Character.isWhitespace(bytes[i])) {
                return false;
            }
        }
        return true;
    }

    /** The line as text for a reject: the decoded string, or the ASCII bytes as they are. */
    private static String text(byte[] bytes, int length, String decoded) {
        return decoded != null ? decoded : new String(bytes, 0, length, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        try {
            lines.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
