package dev.podstage.ingest;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The validated configuration of one {@code ingest} run. */
record IngestSettings(
        List<String> inputs,
        Path output,
        Format format,
        Optional<String> idField,
        String textField,
        char csvDelimiter,
        ShardPlan plan,
        FetchSettings fetch) {

    /** The id field or column, {@code id} unless configured. */
    String idFieldName() {
        return idField.orElse("id");
    }
}
