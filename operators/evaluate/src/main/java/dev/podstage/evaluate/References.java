package dev.podstage.evaluate;

import dev.podstage.runtime.io.JsonLinesReader;
import dev.podstage.runtime.io.JsonRecord;
import dev.podstage.runtime.io.Rejects;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The expected answers, JSON Lines {@code {id, reference}}. A line without a string
 * {@code reference} is rejected; a repeated id keeps its first reference (the later ones are
 * counted as dropped).
 */
final class References {

    /** The references by id, and how many lines were read, accepted and repeated. */
    record Loaded(Map<String, String> byId, long accepted, long duplicates) {
        static final Loaded NONE = new Loaded(Map.of(), 0, 0);
    }

    private References() {}

    static Loaded read(Path file, Rejects rejects) {
        Map<String, String> byId = new LinkedHashMap<>();
        long accepted = 0;
        long duplicates = 0;
        try (JsonLinesReader reader = new JsonLinesReader(file, rejects)) {
            JsonRecord record;
            while ((record = reader.next()) != null) {
                String reference = record.text("reference");
                if (reference == null) {
                    rejects.reject(
                            record.line(),
                            "missing string field 'reference'",
                            record.fields().toString());
                    continue;
                }
                accepted++;
                if (byId.putIfAbsent(record.id(), reference) != null) {
                    duplicates++;
                }
            }
        }
        return new Loaded(byId, accepted, duplicates);
    }
}
