package dev.podstage.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Physical lines of a byte stream, each decoded as UTF-8 on its own, so one bad line is one reject
 * instead of a broken file. A line that is not UTF-8 or longer than the limit comes back with its
 * problem and its first bytes (leniently decoded) for the rejects file. A UTF-8 byte order mark at
 * the start is dropped.
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

    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] line = new byte[1024];
    private int pos;
    private int limit;
    private long number;

    Utf8Lines(InputStream in) {
        this.in = in;
    }

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        int length = 0;
        boolean truncated = false;
        boolean sawAnything = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buffer);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (!sawAnything) {
                        return null;
                    }
                    break;
                }
            }
            sawAnything = true;
            int start = pos;
            while (pos < limit && buffer[pos] != '\n') {
                pos++;
            }
            int chunk = pos - start;
            if (length + chunk > MAX_LINE_BYTES) {
                chunk = Math.max(0, MAX_LINE_BYTES - length);
                truncated = true;
            }
            if (chunk > 0) {
                if (length + chunk > line.length) {
                    line = Arrays.copyOf(line, Math.max(length + chunk, line.length * 2));
                }
                System.arraycopy(buffer, start, line, length, chunk);
                length += chunk;
            }
            if (pos < limit) { // at '\n'
                pos++;
                break;
            }
        }
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        number++;
        int offset = number == 1 && length >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB
                && line[2] == (byte) 0xBF ? 3 : 0;
        if (truncated) {
            return new Line(number, null, "line longer than " + MAX_LINE_BYTES + " bytes", preview(offset, length));
        }
        try {
            String text = utf8.decode(ByteBuffer.wrap(line, offset, length - offset)).toString();
            return new Line(number, text, null, null);
        } catch (CharacterCodingException e) {
            return new Line(number, null, "not valid UTF-8", preview(offset, length));
        }
    }

    private String preview(int offset, int length) {
        return new String(line, offset, Math.min(length - offset, RAW_PREVIEW_BYTES), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
