package dev.podstage.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PostgreSQL schema of each test class's own in the real database ({@link Services}), so its
 * tables start empty: created before the class's tests (with optional fixture DDL run inside it),
 * dropped after them. A stage reaches it through {@code ?search_path=} in PODSTAGE_DB_URL
 * ({@link #dbUrl()}). Register it in a test (base) class:
 * {@code @RegisterExtension static final TestSchema db = new TestSchema("store_it");}
 */
public final class TestSchema implements BeforeAllCallback, AfterAllCallback {

    private final String prefix;
    private final List<String> fixture;
    private String name;

    /** {@code fixture}: statements run in the new schema, e.g. a table another stage would have created. */
    public TestSchema(String prefix, String... fixture) {
        this.prefix = prefix;
        this.fixture = List.of(fixture);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        name = prefix + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = Services.jdbc();
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + name);
            s.execute("SET search_path TO " + name);
            for (String statement : fixture) {
                s.execute(statement);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        try (Connection c = Services.jdbc();
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
    }

    /** The schema's name (for catalog queries). */
    public String name() {
        return name;
    }

    /** PODSTAGE_DB_URL for a stage that should work in this schema. */
    public String dbUrl() {
        return Services.dbUrl() + "?search_path=" + name;
    }

    /** A connection working in this schema. */
    public Connection jdbc() throws SQLException {
        Connection c = Services.jdbc();
        c.setSchema(name);
        return c;
    }

    /** The first column of the first row, as a number (a {@code count(*)}, a version). */
    public long count(String sql, Object... params) throws SQLException {
        try (Connection c = jdbc();
                PreparedStatement statement = c.prepareStatement(sql)) {
            bind(statement, params);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The first column of every row, as text. */
    public List<String> strings(String sql, Object... params) throws SQLException {
        try (Connection c = jdbc();
                PreparedStatement statement = c.prepareStatement(sql)) {
            bind(statement, params);
            List<String> values = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }

    private static void bind(PreparedStatement statement, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
    }
}
