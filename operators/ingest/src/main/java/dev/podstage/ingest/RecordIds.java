package dev.podstage.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.CanonicalJson;
import dev.podstage.runtime.io.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ids and where they go, as pure functions of the record, so a rerun — or another machine, or a
 * Python script — agrees:
 * <ul>
 * <li>a generated id is {@code sha256:} + the first 16 hex digits of the sha256 of the canonical
 * JSON of {@code {"metadata": …, "text": …}}: the content, not where it was found;</li>
 * <li>the shard of an id is the first 8 bytes of {@code sha256(utf8(id))}, read as an unsigned
 * big-endian integer, modulo the shard count;</li>
 * <li>duplicate ids are recognised by the first 16 bytes of the same digest.</li>
 * </ul>
 */
final class RecordIds {

    static final String GENERATED_PREFIX = "sha256:";

    private final Sha256 sha256 = new Sha256();

    /** The 128 bits of an id's digest that identify it; a collision needs ~2^64 ids. */
    record Key(long high, long low) {}

    /** An id's digest, as the shard hash and the dedupe key. */
    record Digest(long shardHash, Key key) {
        int shard(int shards) {
            return (int) Long.remainderUnsigned(shardHash, shards);
        }
    }

    static String generate(String text, ObjectNode metadata) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("text", text);
        content.put("metadata", metadata);
        return GENERATED_PREFIX + CanonicalJson.sha256(content).substring(0, 16);
    }

    Digest digest(String id) {
        ByteBuffer bytes = ByteBuffer.wrap(sha256.digest(id.getBytes(StandardCharsets.UTF_8)));
        long first = bytes.getLong();
        return new Digest(first, new Key(first, bytes.getLong()));
    }

    /** The shard of {@code id} among {@code shards}; the rule stated above. */
    static int shardOf(String id, int shards) {
        return new RecordIds().digest(id).shard(shards);
    }
}
