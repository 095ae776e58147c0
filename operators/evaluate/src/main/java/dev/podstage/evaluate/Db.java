package dev.podstage.evaluate;

import java.net.ConnectException;
import java.util.function.Supplier;

import dev.podstage.runtime.stage.StageException;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;

/**
 * Runs Hibernate Reactive work from the picocli thread, which has no Vert.x context of its own,
 * and sorts database failures into the exit codes of the stage contract: a lost connection, a
 * deadlock or a server shutting down is worth an Airflow retry (75); anything else is not.
 * A copy of the store stage's helper: it belongs in the runtime.
 */
final class Db {

    private Db() {
    }

    static <T> T await(String what, Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable t) {
            throw translate(what, t);
        }
    }

    private static RuntimeException translate(String what, Throwable t) {
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

    static boolean isTransient(Throwable t) {
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
    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
