package dev.podstage.runtime.cache;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.podstage.runtime.io.CanonicalJson;
import dev.podstage.runtime.io.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The {@link CacheKeys#of} key of identities that differ in one string only (the record's text; model
 * and parameters are fixed for a run). The canonical JSON around that string is worked out once and
 * the digest of the text before it is kept, so a key costs the escaping of the string and the hashing
 * of what follows it: no map, no sort, no generator, no digest lookup per record (those were two
 * thirds of a cached run's key cost).
 */
public final class KeyTemplate {

    /** Stands for the variable string while the canonical text is laid out; plain ASCII, so written as is. */
    private static final String HOLE = "podstage-key-template-hole-7f3a9c";

    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

    private final byte[] prefix;
    private final Sha256 afterOpening;
    /** Reset to {@link #afterOpening} for each key: no digest state allocated per record. */
    private final Sha256 working = new Sha256();

    private final byte[] closing;
    private final StringBuilder escaped = new StringBuilder();

    private KeyTemplate(String namespace, String canonical) {
        String quotedHole = '"' + HOLE + '"';
        int at = canonical.indexOf(quotedHole);
        int end = at + quotedHole.length();
        boolean once = at >= 0 && canonical.indexOf(quotedHole, end) < 0;
        if (!once || end < canonical.length() && canonical.charAt(end) == ':') { // followed by ':' it is a field name
            throw new IllegalArgumentException(
                    "the identity must hold the variable string exactly once, as a value: " + canonical);
        }
        this.prefix = CacheKeys.prefix(namespace).getBytes(StandardCharsets.UTF_8);
        this.afterOpening = new Sha256();
        afterOpening.update(canonical.substring(0, at + 1).getBytes(StandardCharsets.UTF_8)); // up to the opening quote
        this.closing = canonical.substring(end - 1).getBytes(StandardCharsets.UTF_8); // from the closing quote
    }

    /**
     * A template for {@code identity}, which must put its argument into the identity once, as a
     * string value, and nothing else that varies. Not thread-safe: one per thread.
     */
    public static KeyTemplate of(String namespace, Function<String, ?> identity) {
        return new KeyTemplate(namespace, CanonicalJson.of(identity.apply(HOLE)));
    }

    /** The same key as {@code CacheKeys.of(namespace, identity.apply(value))}. */
    public String key(String value) {
        Sha256 digest = working.copyFrom(afterOpening);
        byte[] text = value.getBytes(StandardCharsets.UTF_8); // as CanonicalJson does: a lone surrogate becomes '?'
        if (needsEscaping(text)) {
            escaped.setLength(0);
            ESCAPER.quoteAsString(value, escaped);
            text = escaped.toString().getBytes(StandardCharsets.UTF_8);
        }
        digest.update(text);
        digest.update(closing);
        return digest.hex(prefix);
    }

    /**
     * Most texts hold no quote, backslash or control character: they go into JSON as they are. Read
     * from the UTF-8 bytes, where those are single bytes (every byte of a longer sequence is negative).
     */
    private static boolean needsEscaping(byte[] utf8) {
        for (byte c : utf8) {
            if (c >= 0 && c < 0x20 || c == '"' || c == '\\') {
                return true;
            }
        }
        return false;
    }
}
