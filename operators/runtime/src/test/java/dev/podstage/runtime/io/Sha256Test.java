package dev.podstage.runtime.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Sha256Test {

    private final Random random = new Random(42);

    @Test
    void matchesTheStandardVectors() {
        assertThat(new Sha256().hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        Sha256 abc = new Sha256();
        abc.update("abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(abc.hex()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        Sha256 twoBlocks = new Sha256();
        twoBlocks.update(
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(StandardCharsets.US_ASCII));
        assertThat(twoBlocks.hex()).isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        abc.update("abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(abc.hex("podstage:infer:".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("podstage:infer:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void matchesTheJdkOnEveryLengthAroundTheBlockAndPaddingEdges() throws NoSuchAlgorithmException {
        for (int length = 0; length <= 300; length++) {
            byte[] input = bytes(length);
            assertThat(new Sha256().digest(input)).as("length %d", length).isEqualTo(jdk(input));
        }
    }

    @Test
    void theWayTheInputIsSplitDoesNotMatter() throws NoSuchAlgorithmException {
        byte[] input = bytes(5_000);
        for (int trial = 0; trial < 200; trial++) {
            Sha256 sha = new Sha256();
            int at = 0;
            while (at < input.length) {
                int n = Math.min(input.length - at, random.nextInt(150));
                sha.update(input, at, n);
                at += n;
            }
            assertThat(sha.digest()).isEqualTo(jdk(input));
        }
    }

    @Test
    void aCopyGoesOnIndependentlyOfItsOriginal() throws NoSuchAlgorithmException {
        byte[] prefix = bytes(100);
        byte[] a = bytes(37);
        byte[] b = bytes(250);
        Sha256 afterPrefix = new Sha256();
        afterPrefix.update(prefix);

        Sha256 first = new Sha256().copyFrom(afterPrefix);
        first.update(a);
        Sha256 second = new Sha256().copyFrom(afterPrefix);
        second.update(b);

        assertThat(first.digest()).isEqualTo(jdk(concat(prefix, a)));
        assertThat(second.digest()).isEqualTo(jdk(concat(prefix, b)));
        assertThat(afterPrefix.digest()).isEqualTo(jdk(prefix));
    }

    @Test
    void aWorkingStateResetFromAPrefixForgetsItsLastSuffix() throws NoSuchAlgorithmException {
        byte[] prefix = bytes(90);
        Sha256 afterPrefix = new Sha256();
        afterPrefix.update(prefix);
        Sha256 working = new Sha256();
        for (int length : new int[] {200, 3, 0, 61}) {
            byte[] suffix = bytes(length);
            working.copyFrom(afterPrefix).update(suffix);
            assertThat(working.digest()).as("suffix of %d", length).isEqualTo(jdk(concat(prefix, suffix)));
        }
        assertThat(afterPrefix.digest()).isEqualTo(jdk(prefix));
    }

    @Test
    void digestStartsOverLikeMessageDigest() throws NoSuchAlgorithmException {
        Sha256 sha = new Sha256();
        sha.update(bytes(70));
        sha.digest();
        byte[] next = bytes(10);
        assertThat(sha.digest(next)).isEqualTo(jdk(next));
    }

    @Test
    void megabytesInLargeAndOddChunks() throws NoSuchAlgorithmException {
        byte[] input = bytes(3_000_001);
        Sha256 sha = new Sha256();
        for (int at = 0; at < input.length; at += 65_536) {
            sha.update(input, at, Math.min(65_536, input.length - at));
        }
        assertThat(sha.digest()).isEqualTo(jdk(input));
    }

    private byte[] bytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] jdk(byte[] input) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(input);
    }
}
