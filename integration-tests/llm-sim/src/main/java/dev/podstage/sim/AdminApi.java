package dev.podstage.sim;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code /health} and {@code /admin/*}: observe and steer the simulator over HTTP. Not counted in the stats. */
final class AdminApi {

    private final SimConfig config;
    private final StatsRecorder stats;
    private final FailureInjector failures;

    AdminApi(SimConfig config, StatsRecorder stats, FailureInjector failures) {
        this.config = config;
        this.stats = stats;
        this.failures = failures;
    }

    static boolean handles(String path) {
        return path.equals("/health") || path.startsWith("/admin/");
    }

    void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            try {
                JsonObject answer = route(request.method(), request.path(), body);
                if (answer == null) {
                    respond(request, 404, OpenAiErrors.body("unknown admin route", "invalid_request_error"));
                } else {
                    respond(request, 200, answer.encode());
                }
            } catch (IllegalArgumentException | ClassCastException e) {
                respond(request, 400, OpenAiErrors.body(e.getMessage(), "invalid_request_error"));
            }
        });
    }

    /** The answer of an admin route, or null when there is no such route. */
    private JsonObject route(HttpMethod method, String path, Buffer body) {
        String route = method.name() + " " + path;
        switch (route) {
            case "GET /health":
                return ok();
            case "GET /admin/stats":
                return statsJson(stats.snapshot());
            case "POST /admin/reset":
                stats.reset();
                failures.clear();
                return ok();
            case "GET /admin/config":
                return configJson();
            case "POST /admin/config":
                JsonObject knobs = object(body);
                apply(knobs, SimConfig.defaults()); // validates everything first, so a bad knob changes nothing
                apply(knobs, config);
                return configJson();
            case "POST /admin/fail":
                JsonObject fail = object(body);
                failures.failNext(fail.getString("type"), fail.getInteger("count", 1));
                return ok();
            case "DELETE /admin/fail":
                failures.clear(); // the scripted failures end, the counters stay (a benchmark's outage is over)
                return ok();
            default:
                return null;
        }
    }

    private static void apply(JsonObject knobs, SimConfig target) {
        for (String knob : knobs.fieldNames()) {
            Object value = knobs.getValue(knob);
            switch (knob) {
                case "latencyMs" -> target.latencyMs(number(knob, value).longValue());
                case "perTokenMs" -> target.perTokenMs(number(knob, value).longValue());
                case "jitterMs" -> target.jitterMs(number(knob, value).longValue());
                case "maxConcurrency" ->
                    target.maxConcurrency(number(knob, value).intValue());
                case "outputTokens" -> target.outputTokens(number(knob, value).intValue());
                case "dim" -> target.dim(number(knob, value).intValue());
                case "seed" -> target.seed(number(knob, value).longValue());
                case "failureRate" -> target.failureRate(number(knob, value).doubleValue());
                case "failureTypes" -> target.failureTypes(strings(knob, value));
                case "retryAfterSeconds" ->
                    target.retryAfterSeconds(number(knob, value).intValue());
                case "slowMs" -> target.slowMs(number(knob, value).longValue());
                case "requiredApiKey" -> target.requiredApiKey((String) value);
                case "modelProfiles" -> target.modelProfiles(profiles(knob, value));
                case "port", "host" ->
                    throw new IllegalArgumentException(knob + " is fixed once the simulator listens");
                default -> throw new IllegalArgumentException("unknown knob '" + knob + "'");
            }
        }
    }

    private static Number number(String knob, Object value) {
        if (value instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException(knob + " must be a number");
    }

    /** {@code {"model": "latency_ms:120,quality:0.9,reasoning_tokens:48", ...}}, like --model-profile. */
    private static Map<String, ModelProfile> profiles(String knob, Object value) {
        if (!(value instanceof JsonObject specs)) {
            throw new IllegalArgumentException(knob + " must be an object of model name to profile spec");
        }
        Map<String, ModelProfile> profiles = new LinkedHashMap<>();
        for (String model : specs.fieldNames()) {
            if (!(specs.getValue(model) instanceof String spec)) {
                throw new IllegalArgumentException(knob + "." + model + " must be a spec string");
            }
            profiles.put(model, ModelProfile.parse(spec));
        }
        return profiles;
    }

    /** A JSON array of strings or one comma-separated string, like the command line's. */
    private static List<String> strings(String knob, Object value) {
        if (value instanceof String csv) {
            return List.of(csv.split(","));
        }
        if (value instanceof JsonArray array) {
            return array.stream().map(String::valueOf).toList();
        }
        throw new IllegalArgumentException(knob + " must be an array of strings");
    }

    private static JsonObject object(Buffer body) {
        try {
            return JsonRequests.object(body);
        } catch (BadRequest e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private JsonObject configJson() {
        return new JsonObject()
                .put("host", config.host())
                .put("port", config.port())
                .put("latencyMs", config.latencyMs())
                .put("perTokenMs", config.perTokenMs())
                .put("jitterMs", config.jitterMs())
                .put("maxConcurrency", config.maxConcurrency())
                .put("outputTokens", config.outputTokens())
                .put("dim", config.dim())
                .put("seed", config.seed())
                .put("failureRate", config.failureRate())
                .put("failureTypes", new JsonArray(config.failureTypes()))
                .put("retryAfterSeconds", config.retryAfterSeconds())
                .put("slowMs", config.slowMs())
                .put("modelProfiles", profilesJson())
                .put("answers", config.answers().size())
                // Whether a key is required, never the key itself.
                .put("apiKeyRequired", config.requiredApiKey() != null);
    }

    private JsonObject profilesJson() {
        JsonObject profiles = new JsonObject();
        config.modelProfiles().forEach((model, profile) -> profiles.put(model, profile.spec()));
        return profiles;
    }

    private static JsonObject statsJson(SimStats s) {
        return new JsonObject()
                .put("requests", s.requests())
                .put("by_path", new JsonObject(new TreeMap<String, Object>(s.byPath())))
                .put("by_status", new JsonObject(new TreeMap<String, Object>(s.byStatus())))
                .put("items", s.items())
                .put("in_flight", s.inFlight())
                .put("max_in_flight", s.maxInFlight())
                .put("prompt_tokens", s.promptTokens())
                .put("completion_tokens", s.completionTokens());
    }

    private static JsonObject ok() {
        return new JsonObject().put("status", "ok");
    }

    private static void respond(HttpServerRequest request, int status, String body) {
        request.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(body);
    }
}
