package dev.podstage.sim;

import static dev.podstage.sim.Http.chatBody;
import static dev.podstage.sim.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class AuthTest {

    private static final String KEY = "sk-sim-test-7f3a9c";

    @Test
    void requiredKeyGuardsTheEndpointsWithoutEverEchoingIt() {
        try (LlmSimulator sim = LlmSimulator.start(SimConfig.defaults().requiredApiKey(KEY))) {
            HttpResponse<String> anonymous = Http.send(request(sim).build());
            HttpResponse<String> wrongKey = Http.send(
                    request(sim).header("Authorization", "Bearer " + KEY + "x").build());
            HttpResponse<String> bareKey =
                    Http.send(request(sim).header("Authorization", KEY).build());
            HttpResponse<String> authorized = Http.send(
                    request(sim).header("Authorization", "Bearer " + KEY).build());

            for (HttpResponse<String> denied : new HttpResponse[] {anonymous, wrongKey, bareKey}) {
                assertThat(denied.statusCode()).isEqualTo(401);
                assertThat(json(denied).getJsonObject("error").getString("type"))
                        .isEqualTo("authentication_error");
                assertThat(json(denied).getJsonObject("error").getString("message"))
                        .isEqualTo("invalid api key");
                assertThat(denied.body()).doesNotContain(KEY);
                assertThat(denied.headers().map().toString()).doesNotContain(KEY);
            }
            assertThat(authorized.statusCode()).isEqualTo(200);
            assertThat(sim.stats().count("401")).isEqualTo(3);
            assertThat(Http.get(sim, "/admin/config").body())
                    .doesNotContain(KEY)
                    .contains("\"apiKeyRequired\":true");
            assertThat(Http.get(sim, "/health").statusCode()).isEqualTo(200);
        }
    }

    private static HttpRequest.Builder request(LlmSimulator sim) {
        return Http.request(sim, "/v1/chat/completions").POST(HttpRequest.BodyPublishers.ofString(chatBody("m", "p")));
    }
}
