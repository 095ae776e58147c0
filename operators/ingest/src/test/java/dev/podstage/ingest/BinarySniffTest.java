package dev.podstage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinarySniffTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void textWithOneDamagedLineIsText() {
        byte[] lines = bytes("{\"id\":\"a\"}\n{\"id\":\"b\u0000\"}\n{\"id\":\"c\"}\n");
        assertThat(BinarySniff.binary(lines, lines.length, true)).isEmpty();
        assertThat(BinarySniff.firstNul(lines, lines.length))
                .get()
                .extracting(BinarySniff.Nul::line)
                .isEqualTo(2L);
    }

    @Test
    void utf16AndImagesAreBinaryNamingTheFirstNulAndTheShareOfText() {
        byte[] utf16 = "{\"id\":\"x\"}\n{\"id\":\"y\"}\n".getBytes(StandardCharsets.UTF_16LE);
        assertThat(BinarySniff.binary(utf16, utf16.length, true))
                .get()
                .satisfies(nul -> assertThat(nul.reason("u.jsonl"))
                        .isEqualTo("u.jsonl: binary file (NUL byte at offset 1, line 1; 0 of 3 lines read as text);"
                                + " only UTF-8 text is read"));
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
        assertThat(BinarySniff.binary(png, png.length, true))
                .get()
                .extracting(BinarySniff.Nul::offset, BinarySniff.Nul::textLines, BinarySniff.Nul::lines)
                .containsExactly(8L, 1, 3);
    }

    @Test
    void aHeadCutInTheMiddleOfALineDoesNotCountThatLine() throws Exception {
        // 9 text lines and one NUL line fill the head; the line cut at 8 KiB would not decode: not counted
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            text.append("x".repeat(799)).append('\n');
        }
        text.append("bad\u0000line\n").append("\u00e9".repeat(1000));
        Path file = Files.writeString(dir.resolve("big.jsonl"), text);
        assertThat(BinarySniff.head(file)).isEmpty();
        Path onlyNuls = Files.write(dir.resolve("zeros.bin"), new byte[20_000]);
        assertThat(BinarySniff.head(onlyNuls))
                .get()
                .extracting(BinarySniff.Nul::lines)
                .isEqualTo(1);
    }
}
