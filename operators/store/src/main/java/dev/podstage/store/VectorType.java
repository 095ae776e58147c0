package dev.podstage.store;

import java.util.Locale;

/**
 * The column type of {@code podstage_chunks.embedding}, fixed when the table is created:
 * {@code pgvector} ({@code vector(N)} with an HNSW cosine index), {@code array} ({@code real[]},
 * needs nothing but PostgreSQL), or {@code auto}: pgvector when the extension can be had.
 * pgvector's HNSW index takes at most 2,000 dimensions; nothing here needs more than 384.
 * Debian 12 has no pgvector package: scripts/services.sh runs PostgreSQL 18 with pgvector from a pinned
 * PyPI wheel and creates the extension in the test database, and StorePgvectorIT / StoreAutoVectorTypeIT run this path
 * against it (column type, HNSW index, idempotent upserts, nearest-neighbour queries); StoreChunksIT
 * asks for {@code array} to test the other one. The extension may live outside the stage's
 * search_path: see {@link StoreSchema}.
 */
public enum VectorType {
    AUTO,
    PGVECTOR,
    ARRAY;

    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
