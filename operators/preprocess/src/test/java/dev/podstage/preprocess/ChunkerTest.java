package dev.podstage.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    /** "w000 w001 …": every word 4 code points, so every word and its space are 5 code points. */
    private static String words(int count) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            words.add(String.format("w%03d", i));
        }
        return String.join(" ", words);
    }

    private static List<String> texts(List<Chunker.Chunk> chunks) {
        return chunks.stream().map(Chunker.Chunk::text).toList();
    }

    @Test
    void aTextThatFitsIsOneChunk() {
        List<Chunker.Chunk> chunks = new Chunker(10, 2).split("short text here");

        assertThat(chunks).containsExactly(new Chunker.Chunk("short text here", 4)); // 15 code points / 4, rounded up
        assertThat(new Chunker(10, 2).split("")).isEmpty();
    }

    @Test
    void chunksStayWithinTheBudgetAndCutOnlyBetweenWords() {
        String text = words(100); // 499 code points
        List<Chunker.Chunk> chunks = new Chunker(10, 0).split(text); // 40 code points: 8 words (39)

        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.tokens()).isLessThanOrEqualTo(10);
            assertThat(c.text().codePointCount(0, c.text().length())).isLessThanOrEqualTo(40);
            assertThat(c.text().split(" ")).allMatch(w -> w.matches("w\\d{3}"));
            assertThat(c.tokens()).isEqualTo(Tokens.of(c.text()));
        });
        assertThat(chunks.get(0).text()).isEqualTo("w000 w001 w002 w003 w004 w005 w006 w007");
        assertThat(String.join(" ", texts(chunks))).isEqualTo(text); // no overlap: the chunks tile the text
        assertThat(chunks).hasSize(13);
    }

    @Test
    void eachChunkRepeatsTheEndOfThePreviousOneUpToTheOverlap() {
        List<Chunker.Chunk> chunks = new Chunker(10, 3).split(words(30)); // overlap 12 code points: 2 words (9)

        assertThat(texts(chunks))
                .startsWith(
                        "w000 w001 w002 w003 w004 w005 w006 w007",
                        "w006 w007 w008 w009 w010 w011 w012 w013",
                        "w012 w013 w014 w015 w016 w017 w018 w019");
        for (int i = 1; i < chunks.size(); i++) {
            List<String> previous = Arrays.asList(chunks.get(i - 1).text().split(" "));
            List<String> current = Arrays.asList(chunks.get(i).text().split(" "));
            assertThat(previous.subList(previous.size() - 2, previous.size())).isEqualTo(current.subList(0, 2));
        }
        assertThat(chunks.get(chunks.size() - 1).text()).endsWith("w029");
    }

    @Test
    void theOverlapStartsAtASentenceWhenOneBeginsInIt() {
        String text = "One two three four. Five six seven. Eight nine ten eleven twelve.";
        List<Chunker.Chunk> chunks = new Chunker(10, 5).split(text); // 40 code points, overlap 20

        assertThat(texts(chunks))
                .containsExactly(
                        "One two three four. Five six seven.",
                        "Five six seven. Eight nine ten eleven",
                        "nine ten eleven twelve."); // "Eight …" is 21 > 20 back
    }

    @Test
    void aChunkEndsAtASentenceWhenThatKeepsItAtLeastHalfFull() {
        String text = "Aaaa bbbb cccc dddd. Eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm.";
        List<Chunker.Chunk> chunks = new Chunker(10, 0).split(text); // 40 code points

        assertThat(texts(chunks))
                .containsExactly("Aaaa bbbb cccc dddd.", "Eeee ffff gggg hhhh iiii jjjj kkkk llll", "mmmm.");
    }

    @Test
    void aSentenceEndTooEarlyIsIgnored() {
        String text = "Hi. Aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii.";
        List<Chunker.Chunk> chunks = new Chunker(10, 0).split(text);

        assertThat(chunks.get(0).text()).isEqualTo("Hi. Aaaa bbbb cccc dddd eeee ffff gggg"); // not just "Hi."
    }

    @Test
    void lineBreaksCountAsSentenceEnds() {
        String text = "Heading words here now\nbody body body body body body body";
        List<Chunker.Chunk> chunks = new Chunker(10, 0).split(text);

        assertThat(chunks.get(0).text()).isEqualTo("Heading words here now");
    }

    @Test
    void aWordLongerThanAChunkIsCutAtCodePointsAndTheRestGoesOn() {
        String blob = "x".repeat(50);
        List<Chunker.Chunk> chunks = new Chunker(5, 1).split("before " + blob + " after"); // 20 code points

        assertThat(texts(chunks)).containsExactly("before", "x".repeat(20), "x".repeat(20), "x".repeat(10), "after");
    }

    @Test
    void surrogatePairsAreNeverCutAndCountAsOneCodePoint() {
        String emoji = "\uD83D\uDE00".repeat(10); // 10 code points, 20 chars
        List<Chunker.Chunk> chunks = new Chunker(1, 0).split(emoji); // 4 code points per chunk

        assertThat(chunks)
                .extracting(c -> c.text().codePointCount(0, c.text().length()))
                .containsExactly(4, 4, 2);
        assertThat(String.join("", texts(chunks))).isEqualTo(emoji);
    }

    @Test
    void aLargeOverlapStillMakesProgress() {
        List<Chunker.Chunk> chunks = new Chunker(10, 9).split(words(40));

        assertThat(chunks.size()).isLessThan(40);
        assertThat(chunks.get(chunks.size() - 1).text()).endsWith("w039");
        for (int i = 1; i < chunks.size(); i++) {
            String[] previous = chunks.get(i - 1).text().split(" ");
            String[] current = chunks.get(i).text().split(" ");
            assertThat(current[current.length - 1]).isGreaterThan(previous[previous.length - 1]);
        }
    }

    @Test
    void overlapMustBeSmallerThanTheChunk() {
        assertThatThrownBy(() -> new Chunker(10, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
