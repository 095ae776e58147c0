package dev.podstage.runtime.stage;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.podstage.runtime.io.Json;

/**
 * What a finished run reports: counts, output URIs, metrics for the XCom summary and extra
 * stage-specific XCom fields (e.g. ingest's {@code shards}). {@code dropped} counts records left
 * out on purpose (duplicates, empties), so "nothing accepted is lost" can be checked.
 */
public record StageOutcome(long recordsIn, long recordsOut, long rejects, long dropped, List<String> outputs,
        ObjectNode metrics, ObjectNode extra) {

    public static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }
}
