package dev.podstage.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

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

    /**
     * An OpenAI-style URL from a base as users write it: the host ({@code https://api.x.com}), the
     * API root ({@code …/v1}, like the SDKs' base_url) or the full resource URL.
     */
    static String openAiUrl(String endpoint, String resource) {
        String base = endpoint.replaceAll("/+$", "");
        if (base.endsWith("/" + resource)) {
            return base;
        }
        return base + (base.endsWith("/v1") ? "/" : "/v1/") + resource;
    }

    static String joinPath(String endpoint, String path) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        return base + path;
    }
}
