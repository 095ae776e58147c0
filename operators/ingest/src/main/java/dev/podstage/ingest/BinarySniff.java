package dev.podstage.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Tells a binary file from text before it is parsed, so that a binary file becomes one reject instead of
 * thousands of garbage ones. A NUL byte never occurs in UTF-8 text (nor in JSON or CSV) but in nearly
 * every binary format and in UTF-16; one NUL alone does not make a file binary, though: a text file
 * with one damaged line is still text, and that line is that record's reject. So a file is binary when it
 * has a NUL and fewer than half of the lines looked at read as text (UTF-8 without NUL).
 */
final class BinarySniff {

    static final int SNIFF_BYTES = 8192;

    /** The first NUL byte, and how many of the lines looked at read as text. */
    record Nul(long offset, long line, int textLines, int lines) {
        String reason(String fileName) {
            return fileName + ": binary file (NUL byte at offset " + offset + ", line " + line + "; " + textLines
                    + " of " + lines + " lines read as text); only UTF-8 text is read";
        }
    }

    private BinarySniff() {}

    /**
     * The first NUL when the bytes are binary. {@code complete}: the bytes are the whole file; otherwise
     * its head, whose last line may be cut anywhere and is not counted (unless it is the only one).
     */
    static Optional<Nul> binary(byte[] bytes, int length, boolean complete) {
        Optional<Nul> nul = firstNul(bytes, length);
        if (nul.isEmpty()) {
            return nul;
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int lines = 0;
        int textLines = 0;
        int start = 0;
        while (start < length) {
            int end = start;
            while (end < length && bytes[end] != '\n') {
                end++;
            }
            boolean cut = end == length && !complete && lines > 0;
            if (!cut) {
                lines++;
                if (isText(utf8, bytes, start, end)) {
                    textLines++;
                }
            }
            start = end + 1;
        }
        return 2 * textLines >= lines
                ? Optional.empty()
                : Optional.of(new Nul(nul.get().offset(), nul.get().line(), textLines, lines));
    }

    /** The first NUL byte, wherever it is: a text document holding one is not text either. */
    static Optional<Nul> firstNul(byte[] bytes, int length) {
        long line = 1;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == 0) {
                return Optional.of(new Nul(i, line, 0, 0));
            }
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return Optional.empty();
    }

    /** Looks at the first {@value #SNIFF_BYTES} bytes of a file. */
    static Optional<Nul> head(Path file) throws IOException {
        byte[] head = new byte[SNIFF_BYTES];
        int n = 0;
        boolean complete;
        try (InputStream in = Files.newInputStream(file)) {
            int r = 0;
            while (n < head.length && (r = in.read(head, n, head.length - n)) > 0) {
                n += r;
            }
            complete = r < 0 || in.read() < 0;
        }
        return binary(head, n, complete);
    }

    private static boolean isText(CharsetDecoder utf8, byte[] bytes, int start, int end) {
        for (int i = start; i < end; i++) {
            if (bytes[i] == 0) {
                return false;
            }
        }
        try {
            utf8.reset().decode(ByteBuffer.wrap(bytes, start, end - start));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
