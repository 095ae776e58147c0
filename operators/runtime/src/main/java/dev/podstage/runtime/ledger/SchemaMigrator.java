package dev.podstage.runtime.ledger;

import dev.podstage.runtime.stage.InternalFailureException;
import io.smallrye.mutiny.Uni;
import java.util.List;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Brings one component's tables to the version this program knows, in one transaction: takes the
 * advisory lock the runtime's {@code LedgerSchema} takes (so no two podstage programs run DDL at
 * once — concurrent {@code CREATE TABLE IF NOT EXISTS} can still collide in PostgreSQL's catalog),
 * reads the component's row of {@code podstage_schema}, runs the migrations above it and records
 * the new version. A schema newer than the program is refused rather than written into.
 *
 */
public final class SchemaMigrator {

    /** The runtime's lock: every podstage schema change serialises on it. */
    public static final long LOCK = 7715001;

    /** The statements that take a component from {@code version - 1} to {@code version}. */
    public record Migration(int version, List<String> statements) {}

    private static final String SCHEMA_TABLE = """
            CREATE TABLE IF NOT EXISTS podstage_schema (
                component text PRIMARY KEY,
                version integer NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now())""";

    private final String component;
    private final List<Migration> migrations;

    public SchemaMigrator(String component, List<Migration> migrations) {
        this.component = component;
        this.migrations = List.copyOf(migrations);
    }

    public int latest() {
        return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
    }

    /** The version the database is at afterwards. */
    public Uni<Integer> migrate(Mutiny.SessionFactory factory) {
        return factory.withTransaction(session -> session.createNativeQuery(
                        "SELECT 1 FROM (SELECT pg_advisory_xact_lock(" + LOCK + ")) AS lock")
                .getResultList()
                .flatMap(locked -> session.createNativeQuery(SCHEMA_TABLE).executeUpdate())
                .flatMap(
                        created -> session.createNativeQuery("SELECT version FROM podstage_schema WHERE component = ?1")
                                .setParameter(1, component)
                                .getResultList())
                .flatMap(rows -> {
                    int current = rows.isEmpty() ? 0 : ((Number) rows.get(0)).intValue();
                    if (current > latest()) {
                        throw new InternalFailureException("the database's " + component + " schema is at version "
                                + current + ", newer than this program's " + latest() + ": run a newer image");
                    }
                    Uni<?> chain = Uni.createFrom().voidItem();
                    for (Migration migration : migrations) {
                        if (migration.version() > current) {
                            for (String statement : migration.statements()) {
                                chain = chain.flatMap(ignored ->
                                        session.createNativeQuery(statement).executeUpdate());
                            }
                        }
                    }
                    if (current == latest()) {
                        return chain.replaceWith(current);
                    }
                    return chain.flatMap(ignored -> session.createNativeQuery("""
                            INSERT INTO podstage_schema (component, version) VALUES (?1, ?2)
                            ON CONFLICT (component) DO UPDATE SET version = excluded.version, updated_at = now()""")
                                    .setParameter(1, component)
                                    .setParameter(2, latest())
                                    .executeUpdate())
                            .replaceWith(latest());
                }));
    }
}
