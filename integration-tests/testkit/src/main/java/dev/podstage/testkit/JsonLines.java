package dev.podstage.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** Writing inputs and reading outputs of stages in tests. */
public final class JsonLines {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLines() {}

    /** {@code count} records made by {@code record(i)}, one JSON object per line. */
    public static Path write(Path file, int count, IntFunction<Map<String, Object>> record) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, lines(count, record));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines {@link #write} writes, for a test that hands them over itself (a pipe). */
    public static List<String> lines(int count, IntFunction<Map<String, Object>> record) {
        List<String> lines = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                lines.add(MAPPER.writeValueAsString(record.apply(i)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    /** Records {@code {"id": "r<i>", "text": "<prefix> <i>"}}. */
    public static Path texts(Path file, int count, String prefix) {
        return write(file, count, i -> Map.of("id", "r" + i, "text", prefix + " " + i));
    }

    public static List<JsonNode> read(Path file) {
        try {
            List<JsonNode> records = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    records.add(MAPPER.readTree(line));
                }
            }
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> ids(Path file) {
        return read(file).stream().map(r -> r.path("id").asText()).toList();
    }
}
