package dev.podstage.embed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VectorCodecTest {

    @Test
    void roundTripsTheExactFloats() {
        float[] v = {0.1f, -0.33333334f, Float.MIN_VALUE, 1e-30f, -0f, 0.70710677f};

        float[] back = VectorCodec.decode(VectorCodec.encode(v), v.length);

        assertThat(back).containsExactly(v);
        assertThat(Float.floatToRawIntBits(back[4])).isEqualTo(Float.floatToRawIntBits(-0f));
    }

    @Test
    void aValueOfAnotherShapeIsAMiss() {
        String two = VectorCodec.encode(new float[] {1, 2});

        assertThat(VectorCodec.decode(two, 3)).isNull();
        assertThat(VectorCodec.decode("{\"dim\":2,\"f32le\":\"AAAA\"}", 2)).isNull();
        assertThat(VectorCodec.decode("{\"dim\":2,\"f32le\":\"not base64!\"}", 2))
                .isNull();
        assertThat(VectorCodec.decode("not json", 2)).isNull();
        assertThat(VectorCodec.decode("[1,2]", 2)).isNull();
    }
}
