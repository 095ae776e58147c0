package dev.podstage.runtime.io;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SHA-256 (FIPS 180-4) in plain Java, for the digests the runtime takes on every run: the input
 * scan behind the job key and one cache key per record. Why not {@code MessageDigest}: stage JVMs
 * run C1 only ({@code scripts/stage-jvm.sh}), and C1 has neither the JDK's SHA intrinsics (C2 only)
 * nor a cheap way through the VarHandle byte views the JDK's Java fallback reads words with, so
 * under those flags this class hashes in about half the time (docs/adr/0004). {@code Sha256Test}
 * checks it against the JDK's on every length and split.
 * Not thread-safe; {@link #copyFrom} resets a working state to a saved one (a prefix hashed once,
 * many suffixes).
 */
public final class Sha256 {

    private static final int[] K = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_PREFIX = {};
    private static final int[] INITIAL = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };

    private final int[] state = INITIAL.clone();
    private final int[] schedule = new int[64];
    /** Bytes of a block not yet complete. */
    private final byte[] pending = new byte[64];

    private int pendingLength;
    private long totalLength;

    public void update(byte[] input) {
        update(input, 0, input.length);
    }

    public void update(byte[] input, int offset, int length) {
        totalLength += length;
        if (pendingLength > 0) {
            int n = Math.min(64 - pendingLength, length);
            System.arraycopy(input, offset, pending, pendingLength, n);
            pendingLength += n;
            offset += n;
            length -= n;
            if (pendingLength < 64) {
                return;
            }
            compress(pending, 0);
            pendingLength = 0;
        }
        for (; length >= 64; offset += 64, length -= 64) {
            compress(input, offset);
        }
        System.arraycopy(input, offset, pending, 0, length);
        pendingLength = length;
    }

    /** The digest of everything given so far; the state starts over, as {@code MessageDigest.digest()} does. */
    public byte[] digest() {
        long bits = totalLength * 8;
        // Padding goes into the pending block itself: no tail array per digest (one per cache key).
        pending[pendingLength++] = (byte) 0x80;
        if (pendingLength > 56) {
            Arrays.fill(pending, pendingLength, 64, (byte) 0);
            compress(pending, 0);
            pendingLength = 0;
        }
        Arrays.fill(pending, pendingLength, 56, (byte) 0);
        for (int i = 0; i < 8; i++) {
            pending[63 - i] = (byte) (bits >>> (8 * i));
        }
        compress(pending, 0);
        byte[] out = new byte[32];
        for (int i = 0; i < 8; i++) {
            int word = state[i];
            out[4 * i] = (byte) (word >>> 24);
            out[4 * i + 1] = (byte) (word >>> 16);
            out[4 * i + 2] = (byte) (word >>> 8);
            out[4 * i + 3] = (byte) word;
        }
        System.arraycopy(INITIAL, 0, state, 0, 8);
        pendingLength = 0;
        totalLength = 0;
        return out;
    }

    /** The digest of everything given so far and then {@code input}. */
    public byte[] digest(byte[] input) {
        update(input);
        return digest();
    }

    /** {@link #digest()} as 64 lowercase hex digits. */
    public String hex() {
        return hex(NO_PREFIX);
    }

    /**
     * {@code prefix} (ASCII) followed by the {@link #digest()} in 64 lowercase hex digits, built as
     * one string: a cache key costs one array and one copy, not a HexFormat pass and a concatenation.
     */
    public String hex(byte[] prefix) {
        byte[] digest = digest();
        byte[] text = Arrays.copyOf(prefix, prefix.length + 2 * digest.length);
        for (int i = 0, at = prefix.length; i < digest.length; i++, at += 2) {
            text[at] = HEX_DIGITS[(digest[i] >> 4) & 0xF];
            text[at + 1] = HEX_DIGITS[digest[i] & 0xF];
        }
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /** Makes this state equal to {@code other}'s, without allocating: one working state per prefix. */
    public Sha256 copyFrom(Sha256 other) {
        System.arraycopy(other.state, 0, state, 0, 8);
        System.arraycopy(other.pending, 0, pending, 0, other.pendingLength);
        pendingLength = other.pendingLength;
        totalLength = other.totalLength;
        return this;
    }

    private void compress(byte[] block, int offset) {
        int[] w = schedule;
        for (int i = 0; i < 16; i++, offset += 4) {
            w[i] = block[offset] << 24
                    | (block[offset + 1] & 0xff) << 16
                    | (block[offset + 2] & 0xff) << 8
                    | block[offset + 3] & 0xff;
        }
        for (int i = 16; i < 64; i++) {
            int x = w[i - 15];
            int y = w[i - 2];
            int s0 = Integer.rotateRight(x, 7) ^ Integer.rotateRight(x, 18) ^ x >>> 3;
            int s1 = Integer.rotateRight(y, 17) ^ Integer.rotateRight(y, 19) ^ y >>> 10;
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        int a = state[0], b = state[1], c = state[2], d = state[3];
        int e = state[4], f = state[5], g = state[6], h = state[7];
        // Eight rounds per pass with the roles of the variables rotated, instead of shifting all
        // eight through temporaries every round: C1 does not remove those moves.
        for (int i = 0; i < 64; i += 8) {
            h += sigma1(e) + choose(e, f, g) + K[i] + w[i];
            d += h;
            h += sigma0(a) + majority(a, b, c);
            g += sigma1(d) + choose(d, e, f) + K[i + 1] + w[i + 1];
            c += g;
            g += sigma0(h) + majority(h, a, b);
            f += sigma1(c) + choose(c, d, e) + K[i + 2] + w[i + 2];
            b += f;
            f += sigma0(g) + majority(g, h, a);
            e += sigma1(b) + choose(b, c, d) + K[i + 3] + w[i + 3];
            a += e;
            e += sigma0(f) + majority(f, g, h);
            d += sigma1(a) + choose(a, b, c) + K[i + 4] + w[i + 4];
            h += d;
            d += sigma0(e) + majority(e, f, g);
            c += sigma1(h) + choose(h, a, b) + K[i + 5] + w[i + 5];
            g += c;
            c += sigma0(d) + majority(d, e, f);
            b += sigma1(g) + choose(g, h, a) + K[i + 6] + w[i + 6];
            f += b;
            b += sigma0(c) + majority(c, d, e);
            a += sigma1(f) + choose(f, g, h) + K[i + 7] + w[i + 7];
            e += a;
            a += sigma0(b) + majority(b, c, d);
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    private static int sigma0(int x) {
        return Integer.rotateRight(x, 2) ^ Integer.rotateRight(x, 13) ^ Integer.rotateRight(x, 22);
    }

    private static int sigma1(int x) {
        return Integer.rotateRight(x, 6) ^ Integer.rotateRight(x, 11) ^ Integer.rotateRight(x, 25);
    }

    private static int choose(int x, int y, int z) {
        return x & y ^ ~x & z;
    }

    private static int majority(int x, int y, int z) {
        return x & y ^ x & z ^ y & z;
    }
}
