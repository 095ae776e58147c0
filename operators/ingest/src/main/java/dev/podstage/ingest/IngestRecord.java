package dev.podstage.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A record read from a source, before it gets its id (when it has none) and its shard. */
record IngestRecord(String id, String text, ObjectNode source, ObjectNode metadata) {}
