package dev.podstage.runtime.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import java.util.List;

/**
 * What a finished run reports: counts, output URIs, metrics for the XCom summary and extra
 * stage-specific XCom fields (e.g. ingest's {@code shards}). {@code dropped} counts records left
 * out on purpose (duplicates, empties), so "nothing accepted is lost" can be checked.
 */
public record StageOutcome(
        long recordsIn,
        long recordsOut,
        long rejects,
        long dropped,
        List<String> outputs,
        ObjectNode metrics,
        ObjectNode extra) {

    public static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }

    /**
     * Fails (exit 1) when fewer records came out, were rejected or dropped than went in: a bug lost
     * some. A stage asks this before it commits its outputs, so a run that lost records never
     * leaves a short output under the real name; the runner asks again for every stage.
     */
    public StageOutcome requireNothingLost() {
        if (recordsOut + rejects + dropped < recordsIn) {
            throw new InternalFailureException("records lost: " + recordsIn + " in, but only " + recordsOut + " out + "
                    + rejects + " rejected + " + dropped + " dropped");
        }
        return this;
    }
}
