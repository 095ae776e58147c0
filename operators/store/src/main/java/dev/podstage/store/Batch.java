package dev.podstage.store;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The rows of one transaction, at most one per natural key (a later record with the same key
 * supersedes an earlier one, as it would have in two transactions: PostgreSQL refuses to upsert
 * one key twice in a statement), in key order so concurrent tasks lock rows in the same order.
 */
final class Batch {

    private final TreeMap<String, Row> rows = new TreeMap<>();
    private long superseded;

    /** Adds a row; true when it replaced an earlier row of the same key. */
    boolean add(Row row) {
        boolean replaced = rows.put(row.key(), row) != null;
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
    List<Row> drain() {
        List<Row> drained = new ArrayList<>(rows.values());
        rows.clear();
        return drained;
    }
}
