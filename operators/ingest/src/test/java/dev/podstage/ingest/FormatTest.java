package dev.podstage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void formatsGoByExtensionCaseInsensitively() {
        assertThat(Format.byName("a.jsonl")).contains(Format.JSONL);
        assertThat(Format.byName("a.NDJSON")).contains(Format.JSONL);
        assertThat(Format.byName("people.csv")).contains(Format.CSV);
        assertThat(Format.byName("people.tsv")).contains(Format.TSV);
        assertThat(Format.byName("notes.txt")).contains(Format.TEXT);
        assertThat(Format.byName("README.md")).contains(Format.MARKDOWN);
        assertThat(Format.byName("page.htm")).contains(Format.HTML);
        assertThat(Format.byName("photo.png")).isEmpty();
        assertThat(Format.byName("Makefile")).isEmpty();
        assertThat(Format.byName("/v1.2/data")).isEmpty();
    }

    @Test
    void urlsWithoutExtensionGoByContentType() {
        assertThat(Format.byContentType("text/csv; charset=utf-8")).contains(Format.CSV);
        assertThat(Format.byContentType("application/x-ndjson")).contains(Format.JSONL);
        assertThat(Format.byContentType("text/markdown")).contains(Format.MARKDOWN);
        assertThat(Format.byContentType("application/octet-stream")).isEmpty();
        assertThat(Format.byContentType(null)).isEmpty();
    }
}
