package dev.podstage.runtime.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without decoding, so one line of bad UTF-8 becomes one reject
 * instead of breaking the whole file. Lines longer than {@code maxLineBytes} are cut and flagged.
 * A line ends at {@code \n}; a {@code \r} before it is dropped. Optionally a UTF-8 byte order mark
 * at the very start is dropped too (editors and spreadsheet exports write one).
 */
public final class ByteLines implements Closeable {

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /**
     * One line's bytes (without the line break) and whether it was longer than allowed. The bytes
     * are only valid up to {@code length}, and only until the next call of {@link ByteLines#next()}.
     */
    public record Line(long number, byte[] bytes, int length, boolean truncated) {}

    private final InputStream in;
    private final int maxLineBytes;
    private final boolean dropUtf8Bom;
    private final byte[] buffer = new byte[1 << 16];
    private int pos;
    private int limit;
    private long lineNumber;
    private byte[] line = new byte[1024];

    /** Lines as they are, a byte order mark included. */
    public ByteLines(InputStream in, int maxLineBytes) {
        this(in, maxLineBytes, false);
    }

    /** With {@code dropUtf8Bom}, the first line comes without a leading UTF-8 byte order mark. */
    public ByteLines(InputStream in, int maxLineBytes, boolean dropUtf8Bom) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.dropUtf8Bom = dropUtf8Bom;
    }

    /** The next line, or null at the end of the stream. The returned bytes are reused by the next call. */
    public Line next() throws IOException {
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
            if (length + chunk > maxLineBytes) {
                chunk = Math.max(0, maxLineBytes - length);
                truncated = true;
            }
            if (chunk > 0) {
                ensureCapacity(length + chunk);
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
        if (lineNumber == 0 && dropUtf8Bom && startsWithBom(length)) {
            length -= UTF8_BOM.length;
            System.arraycopy(line, UTF8_BOM.length, line, 0, length);
        }
        return new Line(++lineNumber, line, length, truncated);
    }

    private boolean startsWithBom(int length) {
        return length >= UTF8_BOM.length && Arrays.equals(line, 0, UTF8_BOM.length, UTF8_BOM, 0, UTF8_BOM.length);
    }

    private void ensureCapacity(int needed) {
        if (needed > line.length) {
            line = Arrays.copyOf(line, Math.max(needed, line.length * 2));
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
