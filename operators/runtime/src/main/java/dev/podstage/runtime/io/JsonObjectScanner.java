package dev.podstage.runtime.io;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Vouches for the common input line without building a tree: an ASCII JSON object, strictly per
 * RFC 8259, whose top-level string values it locates. It answers null for anything it does not
 * fully understand (non-ASCII, escaped keys, deep nesting, many keys, long numbers, any error), and
 * Jackson then decides, so a line is accepted or rejected exactly as {@link Json#MAPPER} would
 * (duplicate keys and trailing content included). Why: a short task's JVM runs Jackson's tree
 * building interpreted or C1-compiled, and that was a quarter of a cached infer run's main thread.
 */
final class JsonObjectScanner {

    private static final int MAX_DEPTH = 32;
    private static final int MAX_KEYS = 32;
    /** Far below Jackson's limits (1000-digit numbers, 50,000-byte names): past them it decides. */
    private static final int MAX_NUMBER = 100;

    private static final int MAX_KEY = 1000;

    /** Signals a line this scanner leaves to Jackson; thrown without a stack trace. */
    private static final class Unsure extends RuntimeException {
        Unsure() {
            super("left to Jackson", null, false, false);
        }
    }

    private static final Unsure UNSURE = new Unsure();

    private byte[] b;
    private int end;
    private int pos;
    /** Per top-level string value: key start, key end, value start (after the quote), value end, escaped (0/1). */
    private int[] strings = new int[5 * 8];

    private int stringCount;
    /** Key positions of the object open at each depth, for duplicate detection; reused line after line. */
    private final int[][] keysAtDepth = new int[MAX_DEPTH + 1][];

    /**
     * The top-level string fields of the object in the first {@code length} bytes, or null when
     * Jackson has to decide. The answer holds its own copy of the line: {@code bytes} may be reused.
     */
    TopLevelStrings scan(byte[] bytes, int length) {
        b = bytes;
        end = length;
        pos = 0;
        stringCount = 0;
        try {
            skipSpace();
            object(1);
            skipSpace();
            if (pos != length) {
                return null;
            }
        } catch (Unsure unsure) {
            return null; // reads never pass the line's end (peek, take), so nothing else is expected here
        } finally {
            b = null;
        }
        return new TopLevelStrings(Arrays.copyOf(bytes, length), Arrays.copyOf(strings, 5 * stringCount));
    }

    /** The byte at the cursor, or 0 past the end of the line (0 is valid nowhere, so the scan gives up). */
    private byte peek() {
        return pos < end ? b[pos] : 0;
    }

    private byte take() {
        return pos < end ? b[pos++] : 0;
    }

    private void object(int depth) {
        if (depth > MAX_DEPTH || peek() != '{') {
            throw UNSURE;
        }
        pos++;
        skipSpace();
        if (peek() == '}') {
            pos++;
            return;
        }
        int[] keys = keysAtDepth[depth];
        if (keys == null) {
            keys = keysAtDepth[depth] = new int[2 * MAX_KEYS];
        }
        int keyCount = 0;
        while (true) {
            if (keyCount == MAX_KEYS || peek() != '"') {
                throw UNSURE;
            }
            int keyStart = ++pos;
            if (string() || pos - 1 - keyStart > MAX_KEY) {
                throw UNSURE; // an escaped key could equal another spelled differently
            }
            int keyEnd = pos - 1;
            for (int k = 0; k < keyCount; k++) {
                if (same(keys[2 * k], keys[2 * k + 1], keyStart, keyEnd)) {
                    throw UNSURE; // Jackson rejects duplicates (strict duplicate detection)
                }
            }
            keys[2 * keyCount] = keyStart;
            keys[2 * keyCount + 1] = keyEnd;
            keyCount++;
            skipSpace();
            if (take() != ':') {
                throw UNSURE;
            }
            skipSpace();
            if (depth == 1 && peek() == '"') {
                int valueStart = ++pos;
                boolean escaped = string();
                addString(keyStart, keyEnd, valueStart, pos - 1, escaped);
            } else {
                value(depth);
            }
            skipSpace();
            byte next = take();
            if (next == '}') {
                return;
            }
            if (next != ',') {
                throw UNSURE;
            }
            skipSpace();
        }
    }

    private void array(int depth) {
        if (depth > MAX_DEPTH) {
            throw UNSURE;
        }
        pos++;
        skipSpace();
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            value(depth);
            skipSpace();
            byte next = take();
            if (next == ']') {
                return;
            }
            if (next != ',') {
                throw UNSURE;
            }
            skipSpace();
        }
    }

    private void value(int depth) {
        switch (peek()) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> {
                pos++;
                string();
            }
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    /** Past the closing quote of a string whose opening quote is behind; true when it holds escapes. */
    private boolean string() {
        boolean escaped = false;
        while (true) {
            byte c = take();
            if (c == '"') {
                return escaped;
            }
            if (c < 0x20) {
                throw UNSURE; // control characters (and any non-ASCII byte) are not plain
            }
            if (c == '\\') {
                escaped = true;
                byte e = take();
                if (e == 'u') {
                    for (int i = 0; i < 4; i++) {
                        if (hexValue(take()) < 0) {
                            throw UNSURE;
                        }
                    }
                } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r'
                        && e != 't') {
                    throw UNSURE;
                }
            }
        }
    }

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (take() != word.charAt(i)) {
                throw UNSURE;
            }
        }
        if (isLetterOrDigit(peek())) {
            throw UNSURE; // "truex"
        }
    }

    /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, as Jackson reads it by default. */
    private void number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw UNSURE;
        }
        if (peek() == '.') {
            pos++;
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            digits();
        }
        if (pos - start > MAX_NUMBER || isLetterOrDigit(peek())) {
            throw UNSURE; // "01", "1x"
        }
    }

    private void digits() {
        if (!isDigit(peek())) {
            throw UNSURE;
        }
        while (isDigit(peek())) {
            pos++;
        }
    }

    private void skipSpace() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return;
            }
            pos++;
        }
    }

    private void addString(int keyStart, int keyEnd, int valueStart, int valueEnd, boolean escaped) {
        if (5 * (stringCount + 1) > strings.length) {
            strings = Arrays.copyOf(strings, strings.length * 2);
        }
        int at = 5 * stringCount++;
        strings[at] = keyStart;
        strings[at + 1] = keyEnd;
        strings[at + 2] = valueStart;
        strings[at + 3] = valueEnd;
        strings[at + 4] = escaped ? 1 : 0;
    }

    private boolean same(int aStart, int aEnd, int bStart, int bEnd) {
        if (aEnd - aStart != bEnd - bStart) {
            return false;
        }
        for (int i = 0; i < aEnd - aStart; i++) {
            if (b[aStart + i] != b[bStart + i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLetterOrDigit(byte c) {
        return isDigit(c)
                || c >= 'a' && c <= 'z'
                || c >= 'A' && c <= 'Z'
                || c == '_'
                || c == '.'
                || c == '+'
                || c == '-';
    }

    private static int hexValue(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** The string values at the top level of a scanned line, by key; decoded on request. */
    static final class TopLevelStrings {

        private final byte[] line;
        /** Five ints per string, as {@link JsonObjectScanner#strings} lays them out. */
        private final int[] strings;

        private TopLevelStrings(byte[] line, int[] strings) {
            this.line = line;
            this.strings = strings;
        }

        /** The line scanned (a copy). */
        byte[] line() {
            return line;
        }

        /** The value of the top-level field {@code key} when it is a string, else null. */
        String get(String key) {
            for (int at = 0; at < strings.length; at += 5) {
                if (keyIs(strings[at], strings[at + 1], key)) {
                    return decode(strings[at + 2], strings[at + 3], strings[at + 4] == 1);
                }
            }
            return null;
        }

        private boolean keyIs(int start, int end, String key) {
            if (end - start != key.length()) {
                return false;
            }
            for (int i = 0; i < key.length(); i++) {
                if (line[start + i] != key.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private String decode(int start, int end, boolean escaped) {
            if (!escaped) {
                return new String(line, start, end - start, StandardCharsets.ISO_8859_1);
            }
            StringBuilder text = new StringBuilder(end - start);
            for (int i = start; i < end; i++) {
                char c = (char) line[i];
                if (c != '\\') {
                    text.append(c);
                    continue;
                }
                char e = (char) line[++i];
                switch (e) {
                    case 'b' -> text.append('\b');
                    case 'f' -> text.append('\f');
                    case 'n' -> text.append('\n');
                    case 'r' -> text.append('\r');
                    case 't' -> text.append('\t');
                    case 'u' -> {
                        int code = 0;
                        for (int k = 1; k <= 4; k++) {
                            code = code << 4 | hexValue(line[i + k]);
                        }
                        text.append((char) code);
                        i += 4;
                    }
                    default -> text.append(e); // '"', '\\', '/'
                }
            }
            return text.toString();
        }
    }
}
