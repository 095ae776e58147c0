package dev.podstage.preprocess;

import dev.podstage.runtime.io.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Texts seen in this run, kept as the first 128 bits of their sha256 rather than the texts: a
 * million chunks cost tens of megabytes, not gigabytes, and a false "seen" needs ~2^64 texts.
 */
final class SeenDigests {

    private record Key(long high, long low) {}

    private final Sha256 sha256 = new Sha256();
    private final Set<Key> seen = new HashSet<>();

    /** True the first time a text is offered, false every time after. */
    boolean firstTime(String text) {
        ByteBuffer digest = ByteBuffer.wrap(sha256.digest(text.getBytes(StandardCharsets.UTF_8)));
        return seen.add(new Key(digest.getLong(), digest.getLong()));
    }
}
