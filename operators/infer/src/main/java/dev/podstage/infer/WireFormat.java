package dev.podstage.infer;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** How one protocol builds requests and reads answers. */
interface WireFormat {

    /** The URL to POST to, from an endpoint base URL. */
    String url(String endpoint);

    /** Inputs per request: the configured batch size, or 1 for one-prompt-per-request protocols. */
    int batchLimit(int configured);

    ObjectNode request(List<String> inputs);

    /**
     * One answer per input, in input order; throws {@code RemoteCallException.malformed} when the
     * body does not have the protocol's shape (a truncating proxy, a wrong endpoint).
     */
    List<ItemAnswer> answers(String url, JsonNode body, List<String> inputs);

    /** Everything that determines an input's answer, for the cache key (never the API key). */
    Object cacheIdentity(String input);

    /** Upper bound of output tokens per input, for the budget's estimate. */
    long maxOutputTokens();

    /** A rough, deliberately high token count: the budget must not be crossed on an underestimate. */
    static long estimateTokens(String text) {
        return text.codePointCount(0, text.length()) / 3 + 8;
    }

    static String joinPath(String endpoint, String path) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        return base + path;
    }
}
