package dev.podstage.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import java.nio.file.Path;

/**
 * One input file as ingest reads it: the local bytes ({@code path}: the file itself, or the staged
 * download of a URL), the name records cite as their source, and its format.
 */
record SourceFile(Path path, String name, boolean url, Format format) {

    /** The {@code source} object of a record: {@code {"file": name}} or {@code {"url": url}}, plus its position. */
    ObjectNode source() {
        ObjectNode source = Json.MAPPER.createObjectNode();
        source.put(url ? "url" : "file", name);
        return source;
    }

    /** For the job key: what was read and how (the bytes are in the input digests). */
    String describe() {
        return (url ? "url " : "file ") + name + " as " + format.configName();
    }
}
