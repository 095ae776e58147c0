package dev.podstage.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;

/**
 * A text, Markdown or HTML file is one document: its whole content is the record's text, its id is
 * generated from the content, {@code metadata.format} says what it is. A binary file ({@link BinarySniff}),
 * one with a NUL byte or one that is not UTF-8 is rejected as a whole: it is one record.
 */
final class DocumentSource implements SourceReader {

    static final long MAX_DOCUMENT_BYTES = 64L * 1024 * 1024;

    @Override
    public void read(SourceFile file, Intake intake) throws IOException {
        long size = Files.size(file.path());
        if (size > MAX_DOCUMENT_BYTES) {
            intake.reject(
                    1,
                    file.name() + ": document of " + size + " bytes, larger than " + MAX_DOCUMENT_BYTES + " bytes",
                    "");
            intake.lines(1);
            return;
        }
        byte[] bytes = Files.readAllBytes(file.path());
        long lines = lineCount(bytes);
        intake.lines(lines);
        Optional<BinarySniff.Nul> binary = BinarySniff.binary(bytes, bytes.length, true);
        if (binary.isPresent()) {
            intake.reject(binary.get().line(), binary.get().reason(file.name()), "");
            return;
        }
        Optional<BinarySniff.Nul> nul = BinarySniff.firstNul(bytes, bytes.length);
        if (nul.isPresent()) { // text with a NUL in it: the document is not text (PostgreSQL's text refuses it)
            intake.reject(
                    nul.get().line(),
                    file.name() + ": NUL byte at offset " + nul.get().offset() + ", line "
                            + nul.get().line() + "; only UTF-8 text is read",
                    "");
            return;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            int offset = firstInvalidUtf8(bytes);
            String preview = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.UTF_8);
            intake.reject(
                    lineAt(bytes, offset),
                    file.name() + ": not valid UTF-8 (at offset " + offset + "); only UTF-8 text is read",
                    preview);
            return;
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        ObjectNode metadata = Json.MAPPER.createObjectNode();
        metadata.put("format", file.format().configName());
        intake.accept(new IngestRecord(null, text, file.source(), metadata));
    }

    private static long lineCount(byte[] bytes) {
        long lines = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                lines++;
            }
        }
        return bytes.length > 0 && bytes[bytes.length - 1] != '\n' ? lines + 1 : Math.max(lines, 1);
    }

    private static long lineAt(byte[] bytes, int offset) {
        long line = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
    static int firstInvalidUtf8(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        var out = java.nio.CharBuffer.allocate(Math.max(16, bytes.length));
        var result = decoder.decode(in, out, true);
        return result.isError() ? in.position() : bytes.length;
    }
}
