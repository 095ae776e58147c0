package dev.podstage.ingest;

import dev.podstage.runtime.io.ByteLines;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Physical lines of a byte stream ({@link ByteLines}), each decoded as UTF-8 on its own, so one bad
 * line is one reject instead of a broken file. A line that is not UTF-8, holds a NUL byte or is longer than the limit
 * comes back with its problem and its first bytes (leniently decoded) for the rejects file. A UTF-8
 * byte order mark at the start is dropped.
 */
final class Utf8Lines implements Closeable {

    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
    private static final int RAW_PREVIEW_BYTES = 4096;

    /** One line: its text, or null with the reason it could not be read (and a preview of its bytes). */
    record Line(long number, String text, String problem, String raw) {
        boolean ok() {
            return text != null;
        }
    }

    private final ByteLines lines;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    Utf8Lines(InputStream in) {
        this.lines = new ByteLines(in, MAX_LINE_BYTES, true);
    }

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        ByteLines.Line line = lines.next();
        if (line == null) {
            return null;
        }
        if (line.truncated()) {
            return new Line(line.number(), null, "line longer than " + MAX_LINE_BYTES + " bytes", preview(line));
        }
        try {
            String text =
                    utf8.decode(ByteBuffer.wrap(line.bytes(), 0, line.length())).toString();
            int nul = text.indexOf('\0');
            if (nul >= 0) { // in a text file (BinarySniff): this line's problem, not the file's
                return new Line(
                        line.number(), null, "NUL byte at character " + (nul + 1) + ": not text", preview(line));
            }
            return new Line(line.number(), text, null, null);
        } catch (CharacterCodingException e) {
            return new Line(line.number(), null, "not valid UTF-8", preview(line));
        }
    }

    private static String preview(ByteLines.Line line) {
        return new String(line.bytes(), 0, Math.min(line.length(), RAW_PREVIEW_BYTES), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
