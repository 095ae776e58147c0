package dev.podstage.evaluate;

import dev.podstage.embedding.EncoderException;
import dev.podstage.embedding.EncoderSettings;
import dev.podstage.embedding.SentenceEncoder;
import dev.podstage.runtime.stage.InternalFailureException;
import java.util.List;

/** all-MiniLM-L6-v2 from the shared embedding library, loaded only when similarity is asked for. */
final class MiniLmEncoder implements TextEncoder {

    private final SentenceEncoder encoder;

    private MiniLmEncoder(SentenceEncoder encoder) {
        this.encoder = encoder;
    }

    static MiniLmEncoder open() {
        try {
            return new MiniLmEncoder(SentenceEncoder.open(EncoderSettings.defaults()));
        } catch (EncoderException e) {
            throw new InternalFailureException(
                    "cannot load the similarity model: " + e.getMessage() + " (or run with --similarity none)", e);
        }
    }

    @Override
    public float[][] encode(List<String> texts) {
        return encoder.encode(texts);
    }

    @Override
    public String modelName() {
        return encoder.modelName();
    }

    @Override
    public void close() {
        encoder.close();
    }
}
