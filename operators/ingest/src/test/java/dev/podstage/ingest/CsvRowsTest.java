package dev.podstage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRowsTest {

    private static List<CsvRows.Row> rows(byte[] bytes, char delimiter) throws IOException {
        List<CsvRows.Row> rows = new ArrayList<>();
        try (CsvRows csv = new CsvRows(new Utf8Lines(new ByteArrayInputStream(bytes)), delimiter)) {
            CsvRows.Row row;
            while ((row = csv.next()) != null) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<CsvRows.Row> rows(String text) throws IOException {
        return rows(text.getBytes(StandardCharsets.UTF_8), ',');
    }

    @Test
    void quotedFieldsMayHoldDelimitersDoubledQuotesAndLineBreaks() throws IOException {
        List<CsvRows.Row> rows = rows("id,text\r\n1,\"a, b\"\r\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,\n");

        assertThat(rows).allMatch(CsvRows.Row::ok);
        assertThat(rows.get(1).fields()).containsExactly("1", "a, b");
        assertThat(rows.get(2).fields()).containsExactly("2", "say \"hi\"");
        assertThat(rows.get(3).fields()).containsExactly("3", "two\nlines");
        assertThat(rows.get(3).line()).isEqualTo(4);
        assertThat(rows.get(4).fields()).containsExactly("4", "");
        assertThat(rows.get(4).line()).isEqualTo(6);
    }

    @Test
    void blankLinesAndAByteOrderMarkAreSkipped() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "id,text\n\n1,x\n\n".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, bytes, 0, 3);
        System.arraycopy(body, 0, bytes, 3, body.length);

        List<CsvRows.Row> rows = rows(bytes, ',');

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).fields()).containsExactly("id", "text");
        assertThat(rows.get(1).line()).isEqualTo(3);
    }

    @Test
    void strayQuotesAndTextAfterAClosingQuoteAreProblemsOfTheirRowOnly() throws IOException {
        List<CsvRows.Row> rows = rows("a,b\n1,x\"y\n2,\"ok\"z\n3,fine\n");

        assertThat(rows.get(1).ok()).isFalse();
        assertThat(rows.get(1).problem()).contains("stray quote inside unquoted field 2");
        assertThat(rows.get(1).raw()).isEqualTo("1,x\"y");
        assertThat(rows.get(2).problem()).contains("text after the closing quote of field 2");
        assertThat(rows.get(3).fields()).containsExactly("3", "fine");
    }

    @Test
    void anUnbalancedQuoteCostsOneRowAndTheLinesAfterItAreReadAgain() throws IOException {
        List<CsvRows.Row> rows = rows("a,b\n1,\"never closed\n2,two\n3,three\n");

        assertThat(rows).hasSize(4);
        assertThat(rows.get(1).ok()).isFalse();
        assertThat(rows.get(1).line()).isEqualTo(2);
        assertThat(rows.get(1).problem()).contains("unbalanced quote").contains("field 2");
        assertThat(rows.get(2).fields()).containsExactly("2", "two");
        assertThat(rows.get(2).line()).isEqualTo(3);
        assertThat(rows.get(3).fields()).containsExactly("3", "three");
    }

    @Test
    void aRowThatBreaksOnALaterLineBlamesTheQuoteLeftOpenOnItsFirst() throws IOException {
        List<CsvRows.Row> rows = rows("a,b,c\n4,\"never closed,en\n5,\"good\",fr\n");

        assertThat(rows).hasSize(3);
        assertThat(rows.get(1).problem()).contains("unbalanced quote").contains("field 2");
        assertThat(rows.get(1).raw()).isEqualTo("4,\"never closed,en");
        assertThat(rows.get(2).fields()).containsExactly("5", "good", "fr");
        assertThat(rows.get(2).line()).isEqualTo(3);
    }

    @Test
    void aLineThatIsNotUtf8IsAProblemRow() throws IOException {
        byte[] bytes = {'a', ',', 'b', '\n', '1', ',', (byte) 0xC3, (byte) 0x28, '\n', '2', ',', 'y', '\n'};

        List<CsvRows.Row> rows = rows(bytes, ',');

        assertThat(rows.get(1).problem()).isEqualTo("not valid UTF-8");
        assertThat(rows.get(1).line()).isEqualTo(2);
        assertThat(rows.get(2).fields()).containsExactly("2", "y");
    }

    @Test
    void tabsSeparateFieldsInTsv() throws IOException {
        List<CsvRows.Row> rows = rows("a\tb\n1\tx,y\n".getBytes(StandardCharsets.UTF_8), '\t');

        assertThat(rows.get(1).fields()).containsExactly("1", "x,y");
    }
}
