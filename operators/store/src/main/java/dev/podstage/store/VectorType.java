package dev.podstage.store;

import java.util.Locale;

/**
 * The column type of {@code podstage_chunks.embedding}, fixed when the table is created:
 * {@code pgvector} ({@code vector(N)} with an HNSW cosine index), {@code array} ({@code real[]},
 * needs nothing but PostgreSQL), or {@code auto}: pgvector when the extension can be had.
 * pgvector's HNSW index takes at most 2,000 dimensions; nothing here needs more than 384. The
 * pgvector path is written but untested on the project's machines, which have no pgvector package.
 */
public enum VectorType {
    AUTO,
    PGVECTOR,
    ARRAY;

    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
