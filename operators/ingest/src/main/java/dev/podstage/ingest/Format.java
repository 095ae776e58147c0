package dev.podstage.ingest;

import java.util.Locale;
import java.util.Optional;

/**
 * How an input is read. Record formats (JSON Lines, CSV, TSV) give one record per line or row;
 * document formats (text, Markdown, HTML) give one record per file.
 */
public enum Format {
    AUTO,
    JSONL,
    CSV,
    TSV,
    TEXT,
    MARKDOWN,
    HTML;

    /** The name written in records' metadata and accepted by {@code --format}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean document() {
        return this == TEXT || this == MARKDOWN || this == HTML;
    }

    /** By file name: {@code .jsonl .ndjson .csv .tsv .txt .text .md .markdown .html .htm}; empty when unknown. */
    static Optional<Format> byName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        switch (name.substring(dot + 1)) {
            case "jsonl":
            case "ndjson":
                return Optional.of(JSONL);
            case "csv":
                return Optional.of(CSV);
            case "tsv":
                return Optional.of(TSV);
            case "txt":
            case "text":
                return Optional.of(TEXT);
            case "md":
            case "markdown":
                return Optional.of(MARKDOWN);
            case "html":
            case "htm":
                return Optional.of(HTML);
            default:
                return Optional.empty();
        }
    }

    /** By an HTTP Content-Type, for URLs whose path has no known extension; empty when unknown. */
    static Optional<Format> byContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        switch (type) {
            case "application/x-ndjson":
            case "application/jsonl":
            case "application/x-jsonlines":
            case "application/jsonlines":
                return Optional.of(JSONL);
            case "text/csv":
                return Optional.of(CSV);
            case "text/tab-separated-values":
                return Optional.of(TSV);
            case "text/plain":
                return Optional.of(TEXT);
            case "text/markdown":
                return Optional.of(MARKDOWN);
            case "text/html":
                return Optional.of(HTML);
            default:
                return Optional.empty();
        }
    }
}
