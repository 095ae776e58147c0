package dev.podstage.ingest;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/** The documented shard rule, written out independently of the stage's code. */
final class Reference {

    private Reference() {}

    static int shard(String id, int shards) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, Arrays.copyOf(digest, 8))
                    .mod(BigInteger.valueOf(shards))
                    .intValue();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
