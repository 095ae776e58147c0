package dev.podstage.runtime.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ByteLinesTest {

    private static final String BOM = "\uFEFF";

    @Test
    void splitsOnNewlinesDropsCarriageReturnsAndKeepsAFinalLineWithoutNewline() throws IOException {
        assertThat(lines("a\r\n\nb\nc", 100, false)).containsExactly("1:a", "2:", "3:b", "4:c");
        assertThat(lines("", 100, false)).isEmpty();
    }

    @Test
    void cutsAndFlagsALineLongerThanTheLimit() throws IOException {
        assertThat(lines("abcdef\nxy\n", 4, false)).containsExactly("1:abcd (truncated)", "2:xy");
    }

    @Test
    void keepsAByteOrderMarkUnlessAskedToDropIt() throws IOException {
        assertThat(lines(BOM + "a\n" + BOM + "b\n", 100, false)).containsExactly("1:" + BOM + "a", "2:" + BOM + "b");
        // only the first line's mark is a byte order mark; a later one is content
        assertThat(lines(BOM + "a\n" + BOM + "b\n", 100, true)).containsExactly("1:a", "2:" + BOM + "b");
        assertThat(lines(BOM + "\r\n", 100, true)).containsExactly("1:");
    }

    @Test
    void readsLinesThatSpanManyReads() throws IOException {
        ByteArrayInputStream bytes = new ByteArrayInputStream((BOM + "héllo\nwörld").getBytes(StandardCharsets.UTF_8));
        InputStream trickle = new InputStream() { // one byte per read
                    @Override
                    public int read() {
                        return bytes.read();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        return bytes.read(b, off, Math.min(len, 1));
                    }
                };
        List<String> lines = new ArrayList<>();
        try (ByteLines byteLines = new ByteLines(trickle, 100, true)) {
            ByteLines.Line line;
            while ((line = byteLines.next()) != null) {
                lines.add(new String(line.bytes(), 0, line.length(), StandardCharsets.UTF_8));
            }
        }
        assertThat(lines).containsExactly("héllo", "wörld");
    }

    private static List<String> lines(String text, int maxLineBytes, boolean dropBom) throws IOException {
        List<String> lines = new ArrayList<>();
        try (ByteLines byteLines =
                new ByteLines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), maxLineBytes, dropBom)) {
            ByteLines.Line line;
            while ((line = byteLines.next()) != null) {
                lines.add(line.number() + ":" + new String(line.bytes(), 0, line.length(), StandardCharsets.UTF_8)
                        + (line.truncated() ? " (truncated)" : ""));
            }
        }
        return lines;
    }
}
