package dev.podstage.runtime.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podstage.runtime.stage.ExitCode;
import dev.podstage.runtime.stage.InputRejectedException;
import dev.podstage.runtime.stage.StageException;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class DbTest {

    @Test
    void lostConnectionsDeadlocksAndShutdownsAreWorthARetry() {
        assertThat(Db.isTransient(new IllegalStateException("wrapped", new ConnectException("refused"))))
                .isTrue();
        assertThat(Db.isTransient(new VertxException("Connection is closed"))).isTrue();
        for (String state : new String[] {"08006", "40001", "40P01", "57P01", "53300"}) {
            assertThat(Db.isTransient(pg(state))).as(state).isTrue();
        }
        assertThat(Db.isTransient(pg("23505"))).isFalse(); // unique violation: retrying changes nothing
        assertThat(Db.isTransient(new IllegalArgumentException("bad"))).isFalse();
    }

    @Test
    void failuresBecomeTheContractsExitCodes() {
        RuntimeException retry = Db.translate("upserting", new RuntimeException(pg("40P01")));
        assertThat(retry)
                .isInstanceOf(StageException.class)
                .hasMessageStartingWith("PostgreSQL failed while upserting: PgException: ")
                .hasMessageContaining("deadlock detected");
        assertThat(((StageException) retry).exitCode()).isEqualTo(ExitCode.TRANSIENT);

        StageException own = new InputRejectedException("bad row");
        assertThat(Db.translate("upserting", own)).isSameAs(own);

        assertThat(Db.translate("reading", pg("42P01")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("PostgreSQL failed while reading: PgException:");
        assertThatThrownBy(() -> Db.translate("reading", new OutOfMemoryError("heap")))
                .isInstanceOf(OutOfMemoryError.class);
    }

    @Test
    void aRefusedLoginOrAMissingDatabaseIsConfigurationSaidInOneLine() {
        for (String state : new String[] {"28P01", "28000", "3D000"}) {
            RuntimeException refused = Db.translate("claiming the job", new RuntimeException(pg(state)));
            assertThat(refused)
                    .as(state)
                    .isInstanceOfSatisfying(
                            StageException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                    .hasMessageContaining("refused the stage while claiming the job")
                    .hasMessageContaining("(SQLSTATE " + state + ")")
                    .hasMessageContaining("podstage.db-password");
        }
    }

    @Test
    void aRefusedRowIsToldFromAFailingServerWhateverClientReportsIt() {
        // Hibernate Reactive passes some statement failures on as JDBC exceptions with the server's state
        RuntimeException jdbc = new IllegalStateException(
                "upserting",
                new java.sql.SQLException(
                        "ERROR: index row requires 9048 bytes, maximum size is 8191 (54000)", "54000"));
        assertThat(Db.rowRefusal(jdbc))
                .get()
                .hasToString("ERROR: index row requires 9048 bytes, maximum size is 8191 (54000) (SQLSTATE 54000)");
        assertThat(Db.rowRefusal(pg("23505")))
                .get()
                .extracting(Db.Refusal::sqlState)
                .isEqualTo("23505");
        assertThat(Db.rowRefusal(pg("22001"))).isPresent(); // value too long for its column
        assertThat(Db.rowRefusal(pg("40P01"))).isEmpty(); // a deadlock is the server's, retried as a whole
        assertThat(Db.rowRefusal(new ConnectException("refused"))).isEmpty();
    }

    @Test
    void describeNamesTheInnermostCause() {
        assertThat(Db.describe(new IllegalStateException("outer", new ConnectException("refused"))))
                .isEqualTo("ConnectException: refused");
        assertThat(Db.describe(new NullPointerException())).isEqualTo("NullPointerException");
    }

    private static PgException pg(String state) {
        return new PgException(state.equals("40P01") ? "deadlock detected" : "failed", "ERROR", state, null);
    }
}
