package dev.podstage.runtime.db;

import dev.podstage.runtime.stage.ConfigurationException;
import dev.podstage.runtime.stage.StageException;
import dev.podstage.runtime.stage.TransientException;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Runs a stage's Hibernate Reactive work from the picocli thread, which has no Vert.x context of
 * its own, and sorts database failures into the exit codes of the stage contract: a lost
 * connection, a deadlock or a server shutting down is worth an Airflow retry (75); anything else
 * is not. Used by the stages that write or read their own tables (store, evaluate).
 */
public final class Db {

    private Db() {}

    /** Runs the work on a Vert.x context and waits for it; {@code what} names it in an error ("reading the catalog"). */
    public static <T> T await(String what, Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable t) {
            throw translate(what, t);
        }
    }

    /** Starts the work on a Vert.x context without waiting: the caller prepares the next batch meanwhile. */
    public static <T> CompletableFuture<T> submit(Supplier<Uni<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        VertxContextSupport.subscribe(
                () -> work.get().toMulti(),
                subscribe ->
                        subscribe.with(result::complete, result::completeExceptionally, () -> result.complete(null)));
        return result;
    }

    /** Waits for work {@link #submit}ted earlier. */
    public static <T> T join(String what, CompletableFuture<T> work) {
        try {
            return work.get();
        } catch (ExecutionException e) {
            throw translate(what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        }
    }

    static RuntimeException translate(String what, Throwable t) {
        if (t instanceof StageException e) {
            return e;
        }
        String server = server().map(address -> "PostgreSQL at " + address).orElse("PostgreSQL");
        Optional<Refusal> refusal = loginRefusal(t);
        if (refusal.isPresent()) {
            return new ConfigurationException(server + " refused the stage while " + what + ": " + refusal.get()
                    + "; check podstage.db-url, podstage.db-user and podstage.db-password (PODSTAGE_DB_*)");
        }
        if (isTransient(t)) {
            return new TransientException(server + " failed while " + what + ": " + describe(t), t);
        }
        if (t instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(server + " failed while " + what + ": " + describe(t), t);
    }

    /**
     * The server refused the login or the database (SQLSTATE class 28: authentication, 3D000: no such
     * database): configuration, which no retry mends.
     */
    static Optional<Refusal> loginRefusal(Throwable t) {
        return refusal(t, state -> state.startsWith("28") || state.equals("3D000"));
    }

    /** host:port of the configured database (what an operator checks first), never its credentials. */
    static Optional<String> server() {
        String url = ConfigProvider.getConfig()
                .getOptionalValue("podstage.db-url", String.class)
                .orElse("");
        try {
            URI uri = new URI(url);
            return Optional.ofNullable(uri.getHost())
                    .map(host -> host + ":" + (uri.getPort() == -1 ? 5432 : uri.getPort()));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    public static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectException
                    || c instanceof io.vertx.core.VertxException
                            && String.valueOf(c.getMessage()).contains("closed")) {
                return true;
            }
            String state = sqlState(c);
            if (state != null) {
                // 08: connection exception; 40001/40P01: serialization failure, deadlock; 57P0x: server shutting down;
                // 53: insufficient resources.
                if (state.startsWith("08")
                        || state.equals("40001")
                        || state.equals("40P01")
                        || state.startsWith("57P")
                        || state.startsWith("53")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The database refused a statement's data, not the connection or the server failing: a value too long
     * or not valid for its column (SQLSTATE class 22), a constraint (23), a key too large for its index
     * (54000). Such a refusal belongs to rows of the statement; a smaller batch without them goes through.
     */
    public static Optional<Refusal> rowRefusal(Throwable t) {
        return refusal(t, state -> state.startsWith("22") || state.startsWith("23") || state.equals("54000"));
    }

    /** What the server said and its SQLSTATE. */
    public record Refusal(String sqlState, String message) {
        @Override
        public String toString() {
            return message + " (SQLSTATE " + sqlState + ")";
        }
    }

    /** The first SQLSTATE in the chain, when {@code kind} accepts it. */
    private static Optional<Refusal> refusal(Throwable t, Predicate<String> kind) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String state = sqlState(c);
            if (state != null) {
                if (!kind.test(state)) {
                    return Optional.empty();
                }
                String message = c instanceof PgException pg ? pg.getErrorMessage() : c.getMessage();
                return Optional.of(new Refusal(state, message));
            }
        }
        return Optional.empty();
    }

    /**
     * The SQLSTATE the pg client reports, or JDBC's: Hibernate Reactive hands some statement failures on as
     * {@link SQLException}s that carry the server's state and message.
     */
    private static String sqlState(Throwable c) {
        if (c instanceof PgException pg) {
            return pg.getSqlState();
        }
        return c instanceof SQLException sql ? sql.getSQLState() : null;
    }

    /** The innermost message: the one that says what went wrong (never a password: the pg client puts none there). */
    public static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
