package dev.podstage.preprocess;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a cleaned text into chunks of at most {@code maxTokens} estimated tokens ({@link Tokens}),
 * cutting only between words (words are separated by spaces and line breaks: the text is cleaned
 * first), each chunk repeating up to {@code overlapTokens} tokens of whole words from the end of
 * the one before it.
 *
 * <p>Where to cut: as many words as fit, then back to the last sentence end (a word ending in
 * {@code . ! ? …}, possibly followed by a closing quote or bracket, or a line break after a word)
 * if that keeps the chunk at least half full; otherwise after the last word that fits. A chunk
 * always takes in at least one word the previous chunk did not have, so the overlap never makes
 * the chunker go round in circles. The overlap starts at the first sentence that begins within it,
 * if any, so a chunk rarely opens on the tail of a sentence.
 *
 * <p>A single word longer than a whole chunk (a URL, a base64 blob, a
 * text without spaces) is the one thing cut inside: at code point boundaries, without overlap.
 *
 * <p>bench/python/baseline_preprocess.py implements the same rule.
 */
final class Chunker {

    /** One chunk: its text and its token estimate. */
    record Chunk(String text, int tokens) {}

    private final int maxTokens;
    private final int overlapTokens;

    Chunker(int maxTokens, int overlapTokens) {
        if (maxTokens < 1 || overlapTokens < 0 || overlapTokens >= maxTokens) {
            throw new IllegalArgumentException(
                    "need 0 <= overlap < max tokens, got " + overlapTokens + " / " + maxTokens);
        }
        this.maxTokens = maxTokens;
        this.overlapTokens = overlapTokens;
    }

    List<Chunk> split(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        Words w = Words.of(text);
        int budget = maxTokens * Tokens.CHARS_PER_TOKEN;
        if (w.count == 0) {
            return List.of();
        }
        if (w.cpEnd[w.count - 1] - w.cpStart[0] <= budget) {
            return List.of(new Chunk(text, Tokens.ofCodePoints(w.cpEnd[w.count - 1] - w.cpStart[0])));
        }
        int overlap = overlapTokens * Tokens.CHARS_PER_TOKEN;
        List<Chunk> chunks = new ArrayList<>();
        int start = 0;
        int covered = 0; // words before this index are in some chunk already
        while (start < w.count) {
            if (w.cpEnd[start] - w.cpStart[start] > budget) {
                splitWord(text.substring(w.start[start], w.end[start]), budget, chunks);
                start++;
                covered = start;
                continue;
            }
            int end = start + 1;
            while (end < w.count && w.cpEnd[end] - w.cpStart[start] <= budget) {
                end++;
            }
            if (end < w.count) {
                for (int b = end - 1; b >= Math.max(start, covered); b--) {
                    if (w.cpEnd[b] - w.cpStart[start] < budget / 2) {
                        break;
                    }
                    if (w.sentenceEnd[b]) {
                        end = b + 1;
                        break;
                    }
                }
            }
            chunks.add(new Chunk(
                    text.substring(w.start[start], w.end[end - 1]),
                    Tokens.ofCodePoints(w.cpEnd[end - 1] - w.cpStart[start])));
            if (end == w.count) {
                break;
            }
            covered = end;
            int next = end;
            while (next - 1 > start && w.cpEnd[end - 1] - w.cpStart[next - 1] <= overlap) {
                next--;
            }
            // Within the overlap, start at a sentence if one starts there.
            for (int i = next; i < end; i++) {
                if (w.sentenceEnd[i - 1]) {
                    next = i;
                    break;
                }
            }
            // The next chunk must reach past this one; if the next word does not fit beside the overlap, drop it.
            if (next < end && w.cpEnd[end] - w.cpStart[next] > budget) {
                next = end;
            }
            start = next;
        }
        return chunks;
    }

    private static void splitWord(String word, int budget, List<Chunk> chunks) {
        int from = 0;
        while (from < word.length()) {
            int remaining = word.codePointCount(from, word.length());
            int take = Math.min(budget, remaining);
            int to = word.offsetByCodePoints(from, take);
            chunks.add(new Chunk(word.substring(from, to), Tokens.ofCodePoints(take)));
            from = to;
        }
    }

    /** Word spans in chars and in code points, and whether a sentence ends after each word. */
    private static final class Words {
        int count;
        int[] start;
        int[] end;
        int[] cpStart;
        int[] cpEnd;
        boolean[] sentenceEnd;

        static Words of(String text) {
            Words w = new Words();
            int capacity = 16;
            w.start = new int[capacity];
            w.end = new int[capacity];
            w.cpStart = new int[capacity];
            w.cpEnd = new int[capacity];
            w.sentenceEnd = new boolean[capacity];
            int cp = 0;
            int i = 0;
            int length = text.length();
            while (i < length) {
                char c = text.charAt(i);
                if (c == ' ' || c == '\n') {
                    if (c == '\n' && w.count > 0) {
                        w.sentenceEnd[w.count - 1] = true; // a line break ends a sentence, a heading, a list item
                    }
                    i++;
                    cp++;
                    continue;
                }
                if (w.count == w.start.length) {
                    w.grow();
                }
                w.start[w.count] = i;
                w.cpStart[w.count] = cp;
                while (i < length && text.charAt(i) != ' ' && text.charAt(i) != '\n') {
                    if (Character.isHighSurrogate(text.charAt(i))
                            && i + 1 < length
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        i++;
                    }
                    i++;
                    cp++;
                }
                w.end[w.count] = i;
                w.cpEnd[w.count] = cp;
                w.sentenceEnd[w.count] = endsSentence(text, w.start[w.count], i);
                w.count++;
            }
            return w;
        }

        private static boolean endsSentence(String text, int from, int to) {
            int i = to - 1;
            while (i > from && "\"')]}»”’".indexOf(text.charAt(i)) >= 0) {
                i--;
            }
            char c = text.charAt(i);
            return c == '.' || c == '!' || c == '?' || c == '…';
        }

        private void grow() {
            int n = start.length * 2;
            start = java.util.Arrays.copyOf(start, n);
            end = java.util.Arrays.copyOf(end, n);
            cpStart = java.util.Arrays.copyOf(cpStart, n);
            cpEnd = java.util.Arrays.copyOf(cpEnd, n);
            sentenceEnd = java.util.Arrays.copyOf(sentenceEnd, n);
        }
    }
}
