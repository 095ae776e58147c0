package dev.podstage.ingest;

import java.io.IOException;

/** Reads one source file into the intake. */
interface SourceReader {

    void read(SourceFile file, Intake intake) throws IOException;

    static SourceReader of(Format format, IngestSettings settings) {
        switch (format) {
            case JSONL:
                return new JsonLinesSource(settings.idFieldName(), settings.textField());
            case CSV:
                return new CsvSource(settings.csvDelimiter(), settings.idField(), settings.textField());
            case TSV:
                return new CsvSource('\t', settings.idField(), settings.textField());
            case TEXT:
            case MARKDOWN:
            case HTML:
                return new DocumentSource();
            default:
                throw new IllegalArgumentException("no reader for " + format);
        }
    }
}
