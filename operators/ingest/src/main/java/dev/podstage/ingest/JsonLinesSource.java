package dev.podstage.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.io.RecordIds;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * JSON Lines: one object per line. The id field may be missing (an id is generated), a string or a
 * number; the text field must be a string. Every other field goes into {@code metadata} (the
 * fields of an input {@code metadata} object are taken over as they are and win over a top-level
 * field of the same name).
 */
final class JsonLinesSource implements SourceReader {

    private final String idField;
    private final String textField;

    JsonLinesSource(String idField, String textField) {
        this.idField = idField;
        this.textField = textField;
    }

    @Override
    public void read(SourceFile file, Intake intake) throws IOException {
        Optional<BinarySniff.Nul> binary = BinarySniff.head(file.path());
        if (binary.isPresent()) {
            intake.reject(binary.get().line(), binary.get().reason(file.name()), "");
            return;
        }
        try (Utf8Lines lines = new Utf8Lines(new BufferedInputStream(Files.newInputStream(file.path()), 1 << 16))) {
            Utf8Lines.Line line;
            while (!intake.stopping() && (line = lines.next()) != null) {
                intake.lines(1);
                if (!line.ok()) {
                    String reason = file.name() + " line " + line.number() + ": " + line.problem();
                    intake.reject(line.number(), reason, line.raw());
                    continue;
                }
                if (!line.text().isBlank()) {
                    parse(file, line, intake);
                }
            }
        }
    }

    private void parse(SourceFile file, Utf8Lines.Line line, Intake intake) {
        String where = file.name() + " line " + line.number() + ": ";
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line.text());
        } catch (JsonProcessingException e) {
            intake.reject(line.number(), where + "not valid JSON: " + e.getOriginalMessage(), line.text());
            return;
        }
        if (!(node instanceof ObjectNode object)) {
            intake.reject(line.number(), where + "not a JSON object", line.text());
            return;
        }
        JsonNode text = object.get(textField);
        if (text == null || !text.isTextual()) {
            String problem = text == null || text.isNull()
                    ? "missing string field '" + textField + "'"
                    : "field '" + textField + "' is not a string";
            intake.reject(line.number(), where + problem, line.text());
            return;
        }
        JsonNode id = object.get(idField);
        String idText = null;
        if (id != null && !id.isNull()) {
            if (id.isTextual() || id.isIntegralNumber()) {
                idText = id.asText();
                String problem = RecordIds.problem(idText);
                if (problem != null) { // the rule of every stage's reader
                    intake.reject(line.number(), where + "field '" + idField + "': " + problem, line.text());
                    return;
                }
            } else {
                intake.reject(
                        line.number(),
                        where + "field '" + idField + "' is neither a string nor an integer",
                        line.text());
                return;
            }
        }
        ObjectNode source = file.source();
        source.put("line", line.number());
        intake.accept(new IngestRecord(
                idText == null || idText.isEmpty() ? null : idText, text.textValue(), source, metadata(object)));
    }

    private ObjectNode metadata(ObjectNode object) {
        ObjectNode metadata = Json.MAPPER.createObjectNode();
        JsonNode given = object.get("metadata");
        if (given instanceof ObjectNode givenObject) {
            metadata.setAll(givenObject);
        }
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            boolean taken = name.equals(idField)
                    || name.equals(textField)
                    || (name.equals("metadata") && given instanceof ObjectNode);
            if (taken || metadata.has(name)) {
                continue;
            }
            metadata.set(name, field.getValue());
        }
        return metadata;
    }
}
