package dev.podstage.runtime.db;

import java.net.ConnectException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import dev.podstage.runtime.stage.StageException;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;

/**
 * Runs a stage's Hibernate Reactive work from the picocli thread, which has no Vert.x context of
 * its own, and sorts database failures into the exit codes of the stage contract: a lost
 * connection, a deadlock or a server shutting down is worth an Airflow retry (75); anything else
 * is not. Used by the stages that write or read their own tables (store, evaluate).
 */
public final class Db {

    private Db() {
    }

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
        VertxContextSupport.subscribe(() -> work.get().toMulti(),
                subscribe -> subscribe.with(result::complete, result::completeExceptionally, () -> result.complete(null)));
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
        if (isTransient(t)) {
            return StageException.transientFailure("PostgreSQL failed while " + what + ": " + describe(t), t);
        }
        if (t instanceof Error error) {
            throw error;
        }
        return new IllegalStateException("PostgreSQL failed while " + what + ": " + describe(t), t);
    }

    public static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectException || c instanceof io.vertx.core.VertxException
                    && String.valueOf(c.getMessage()).contains("closed")) {
                return true;
            }
            if (c instanceof PgException pg && pg.getSqlState() != null) {
                String state = pg.getSqlState();
                // 08: connection exception; 40001/40P01: serialization failure, deadlock; 57P0x: server shutting down;
                // 53: insufficient resources.
                if (state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.startsWith("57P")
                        || state.startsWith("53")) {
                    return true;
                }
            }
        }
        return false;
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
