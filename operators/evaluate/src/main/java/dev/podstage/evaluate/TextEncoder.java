package dev.podstage.evaluate;

import java.util.List;

/** Turns texts into L2-normalised vectors; a seam so quality scoring is testable without the model. */
interface TextEncoder extends AutoCloseable {

    float[][] encode(List<String> texts);

    String modelName();

    @Override
    void close();
}
