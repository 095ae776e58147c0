package dev.podstage.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;

/**
 * What upserts did to one table: rows sent, rows new, rows changed. The rest were already there
 * as they are ("unchanged"): an idempotent rerun shows all its rows there.
 */
record TableCounts(long upserted, long inserted, long updated) {

    static final TableCounts NONE = new TableCounts(0, 0, 0);

    long unchanged() {
        return upserted - inserted - updated;
    }

    TableCounts plus(TableCounts other) {
        return new TableCounts(upserted + other.upserted, inserted + other.inserted, updated + other.updated);
    }

    ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("upserted", upserted);
        node.put("inserted", inserted);
        node.put("updated", updated);
        node.put("unchanged", unchanged());
        return node;
    }
}
