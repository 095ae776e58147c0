package dev.podstage.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.stage.InputRejectedException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * CSV (or TSV) with a header row. The text column must be in the header (else exit 2: the
 * configuration does not fit the data); the id column is optional unless configured explicitly.
 * Other columns become {@code metadata} (strings, as CSV has no types). Rows with the wrong number
 * of fields or broken quoting are rejected with their row and line number.
 */
final class CsvSource implements SourceReader {

    private final char delimiter;
    private final Optional<String> idField;
    private final String textField;

    CsvSource(char delimiter, Optional<String> idField, String textField) {
        this.delimiter = delimiter;
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
        var in = new BufferedInputStream(Files.newInputStream(file.path()), 1 << 16);
        try (CsvRows rows = new CsvRows(new Utf8Lines(in), delimiter)) {
            CsvRows.Row headerRow = rows.next();
            if (headerRow == null) {
                return; // an empty file holds no rows
            }
            Header header = header(file, headerRow);
            long reported = rows.linesRead();
            intake.lines(reported);
            long dataRow = 0;
            CsvRows.Row row;
            while (!intake.stopping() && (row = rows.next()) != null) {
                dataRow++;
                intake.lines(rows.linesRead() - reported);
                reported = rows.linesRead();
                String where = file.name() + " row " + dataRow + " (line " + row.line() + "): ";
                if (!row.ok()) {
                    intake.reject(row.line(), where + row.problem(), row.raw());
                } else if (row.fields().size() != header.names.size()) {
                    intake.reject(
                            row.line(),
                            where + row.fields().size() + " fields, but the header has " + header.names.size(),
                            row.raw());
                } else {
                    intake.accept(record(file, header, row, dataRow));
                }
            }
        }
    }

    private IngestRecord record(SourceFile file, Header header, CsvRows.Row row, long dataRow) {
        ObjectNode metadata = Json.MAPPER.createObjectNode();
        for (int i = 0; i < header.names.size(); i++) {
            if (i != header.text && i != header.id) {
                metadata.put(header.names.get(i), row.fields().get(i));
            }
        }
        ObjectNode source = file.source();
        source.put("row", dataRow);
        source.put("line", row.line());
        String id = header.id < 0 ? null : row.fields().get(header.id);
        String text = row.fields().get(header.text);
        return new IngestRecord(id == null || id.isEmpty() ? null : id, text, source, metadata);
    }

    /** Column names and where the text and id are. */
    private record Header(List<String> names, int text, int id) {}

    private Header header(SourceFile file, CsvRows.Row row) {
        if (!row.ok()) {
            throw new InputRejectedException(
                    file.name() + ": the header (line " + row.line() + ") cannot be read: " + row.problem());
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String name : row.fields()) {
            String trimmed = name.trim();
            if (!seen.add(trimmed)) {
                throw new InputRejectedException(file.name() + ": the header names column '" + trimmed + "' twice");
            }
            names.add(trimmed);
        }
        int text = names.indexOf(textField);
        if (text < 0) {
            throw new ConfigProblem(
                    IngestConfig.PREFIX + ".text-field",
                    textField,
                    "a column of " + file.name() + ", whose header has: " + String.join(", ", names));
        }
        int id = names.indexOf(idField.orElse("id"));
        if (id < 0 && idField.isPresent()) {
            throw new ConfigProblem(
                    IngestConfig.PREFIX + ".id-field",
                    idField.get(),
                    "a column of " + file.name() + ", whose header has: " + String.join(", ", names)
                            + " (leave it unset to generate ids)");
        }
        return new Header(names, text, id);
    }
}
