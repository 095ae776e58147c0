package dev.podstage.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Writing inputs and reading outputs of stages in tests. */
public final class JsonLines {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLines() {
    }

    /** {@code count} records made by {@code record(i)}, one JSON object per line. */
    public static Path write(Path file, int count, IntFunction<Map<String, Object>> record) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < count; i++) {
                text.append(MAPPER.writeValueAsString(record.apply(i))).append('\n');
            }
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
