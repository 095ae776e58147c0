package dev.podstage.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Tells a binary file from text before it is parsed: a NUL byte never occurs in UTF-8 text (nor in
 * JSON or CSV), but in nearly every binary format and in UTF-16. Such a file becomes one reject
 * instead of thousands of garbage rows.
 */
final class BinarySniff {

    static final int SNIFF_BYTES = 8192;

    /** Where the first NUL byte is. */
    record Nul(long offset, long line) {
        String reason(String fileName) {
            return fileName + ": binary file (NUL byte at offset " + offset + ", line " + line
                    + "); only UTF-8 text is read";
        }
    }

    private BinarySniff() {
    }

    static Optional<Nul> inBytes(byte[] bytes, int length) {
        long line = 1;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == 0) {
                return Optional.of(new Nul(i, line));
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
        try (InputStream in = Files.newInputStream(file)) {
            int r;
            while (n < head.length && (r = in.read(head, n, head.length - n)) > 0) {
                n += r;
            }
        }
        return inBytes(head, n);
    }
}
