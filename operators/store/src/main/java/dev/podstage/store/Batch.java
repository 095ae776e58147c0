package dev.podstage.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The rows of one transaction, at most one per natural key (a later record with the same key
 * supersedes an earlier one, as it would have in two transactions: PostgreSQL refuses to upsert
 * one key twice in a statement), in key order so concurrent tasks lock rows in the same order. Each row
 * keeps where it came from, for the reject should the database refuse it.
 */
final class Batch {

    /** A row and its record's place: the input file and line. */
    record Sourced(Row row, Path input, long line) {}

    private final TreeMap<String, Sourced> rows = new TreeMap<>();
    private long superseded;

    /** Adds a row, from line {@code line} of {@code input}; true when it replaced an earlier row of the same key. */
    boolean add(Row row, Path input, long line) {
        boolean replaced = rows.put(row.key(), new Sourced(row, input, line)) != null;
        if (replaced) {
            superseded++;
        }
        return replaced;
    }

    int size() {
        return rows.size();
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    long superseded() {
        return superseded;
    }

    /** The rows in key order, and a fresh start. */
    List<Sourced> drain() {
        List<Sourced> drained = new ArrayList<>(rows.values());
        rows.clear();
        return drained;
    }
}
