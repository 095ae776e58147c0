package dev.podstage.sim;

import static dev.podstage.sim.Http.chat;
import static dev.podstage.sim.Http.chatBody;
import static dev.podstage.sim.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailuresTest extends SharedSimulator {

    @BeforeEach
    void clean() {
        sim.clearFailures();
        sim.config().failureRate(0).failureTypes("503").retryAfterSeconds(1).slowMs(5000);
        sim.resetStats();
    }

    @ParameterizedTest
    @CsvSource({
        "429, rate_limit_error, true",
        "503, server_error,     true",
        "500, server_error,     false",
        "502, server_error,     false",
    })
    void httpErrorsAreOpenAiShaped(int status, String type, boolean retryAfter) {
        sim.config().retryAfterSeconds(7);
        sim.failNext(Integer.toString(status), 1);

        HttpResponse<String> response = chat(sim, "m", "p");

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(json(response).getJsonObject("error").getString("type")).isEqualTo(type);
        assertThat(response.headers().firstValue("retry-after"))
                .isEqualTo(retryAfter ? Optional.of("7") : Optional.empty());
        assertThat(sim.stats().count(Integer.toString(status))).isEqualTo(1);
    }

    @Test
    void hangNeverAnswers() {
        sim.failNext("hang", 1);
        HttpRequest request = Http.request(sim, "/v1/chat/completions")
                .timeout(Duration.ofMillis(300))
                .POST(HttpRequest.BodyPublishers.ofString(chatBody("m", "p")))
                .build();

        assertThatThrownBy(() -> Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(sim.stats().count("hang")).isEqualTo(1);
        assertThat(chat(sim, "m", "p").statusCode()).isEqualTo(200);
    }

    @Test
    void malformedIsA200WithUnparsableJson() {
        sim.failNext("malformed", 1);

        HttpResponse<String> response = chat(sim, "m", "p");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).startsWith("{\"id\":\"chatcmpl-");
        assertThatThrownBy(() -> new JsonObject(response.body())).isInstanceOf(DecodeException.class);
        assertThat(sim.stats().count("malformed")).isEqualTo(1);
        assertThat(sim.stats().count("200")).isZero();
    }

    @Test
    void resetGivesTheClientAnIoError() {
        sim.failNext("reset", 1);
        HttpRequest request = Http.postRequest(sim, "/v1/chat/completions", chatBody("m", "p"));

        assertThatThrownBy(() -> Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(HttpTimeoutException.class);
        assertThat(sim.stats().count("reset")).isEqualTo(1);
        assertThat(sim.stats().requests()).isEqualTo(1);
        assertThat(chat(sim, "m", "p").statusCode()).isEqualTo(200);
    }

    @Test
    void aRateLimitCanGiveItsRetryAfterAsAnHttpDate() {
        sim.config().retryAfterSeconds(30);
        sim.failNext("429-date", 1);

        HttpResponse<String> response = chat(sim, "m", "p");

        assertThat(response.statusCode()).isEqualTo(429);
        Instant at = ZonedDateTime.parse(
                        response.headers().firstValue("retry-after").orElseThrow(),
                        DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant();
        assertThat(at).isBetween(Instant.now().plusSeconds(20), Instant.now().plusSeconds(31));
        assertThat(sim.stats().count("429-date")).isEqualTo(1);
    }

    @Test
    void anErrorCanHideBehindA200() {
        sim.failNext("error-200", 1);

        HttpResponse<String> response = chat(sim, "m", "p");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject body = json(response);
        assertThat(body.getJsonObject("error").getString("type")).isEqualTo("server_error");
        assertThat(body.containsKey("choices")).isFalse();
        assertThat(sim.stats().count("error-200")).isEqualTo(1);
        assertThat(sim.stats().count("200")).isZero();
    }

    @Test
    void aTruncatedAnswerPromisesMoreThanItSendsThenCloses() {
        sim.failNext("truncated", 1);
        HttpRequest request = Http.postRequest(sim, "/v1/chat/completions", chatBody("m", "p"));

        assertThatThrownBy(() -> Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(HttpTimeoutException.class);
        assertThat(sim.stats().count("truncated")).isEqualTo(1);
        assertThat(chat(sim, "m", "p").statusCode()).isEqualTo(200);
    }

    @Test
    void aSlowAnswerComesLateOrTheClientGivesUpFirst() {
        sim.config().slowMs(60_000);
        sim.failNext("slow", 1);
        HttpRequest impatient = Http.request(sim, "/v1/chat/completions")
                .timeout(Duration.ofMillis(300))
                .POST(HttpRequest.BodyPublishers.ofString(chatBody("m", "p")))
                .build();
        assertThatThrownBy(() -> Http.CLIENT.send(impatient, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);

        sim.config().slowMs(50);
        sim.failNext("slow", 1);
        HttpResponse<String> patient = chat(sim, "m", "p");

        assertThat(patient.statusCode()).isEqualTo(200);
        assertThat(json(patient).getJsonArray("choices")).hasSize(1);
        assertThat(sim.stats().count("slow")).isEqualTo(2);
        assertThat(sim.stats().count("200"))
                .as("only the patient client was served")
                .isEqualTo(1);
    }

    @Test
    void failNextFailsExactlyCountRequestsInScriptOrder() {
        sim.failNext("429", 2);
        sim.failNext("500", 1);

        assertThat(IntStream.range(0, 4).map(i -> chat(sim, "m", "p").statusCode()))
                .containsExactly(429, 429, 500, 200);
    }

    @Test
    void aScriptedPassServesThatManyRequestsBeforeTheNextFailure() {
        sim.config().failureRate(1).failureTypes(java.util.List.of("500"));
        sim.failNext("pass", 2);
        sim.failNext("429", 1);

        assertThat(IntStream.range(0, 4).map(i -> chat(sim, "m", "p").statusCode()))
                .containsExactly(200, 200, 429, 500); // the pass also skips the random failures
    }

    @Test
    void failNextMinusOneIsDownUntilCleared() {
        sim.failNext("503", -1);

        assertThat(IntStream.range(0, 5).map(i -> chat(sim, "m", "p").statusCode()))
                .containsOnly(503);
        sim.clearFailures();
        assertThat(chat(sim, "m", "p").statusCode()).isEqualTo(200);
    }

    @Test
    void failureRateOneFailsEverythingAndZeroNothing() {
        sim.config().failureRate(1.0).failureTypes("500");
        assertThat(IntStream.range(0, 10).map(i -> chat(sim, "m", "p").statusCode()))
                .containsOnly(500);

        sim.config().failureRate(0.0);
        assertThat(IntStream.range(0, 10).map(i -> chat(sim, "m", "p").statusCode()))
                .containsOnly(200);
    }

    @Test
    void randomFailuresDrawFromAllFailureTypes() {
        sim.config().failureRate(1.0).failureTypes("429", "503");
        Set<Integer> seen = new HashSet<>();
        IntStream.range(0, 20).forEach(i -> seen.add(chat(sim, "m", "p").statusCode()));

        assertThat(seen).containsExactlyInAnyOrder(429, 503);
    }

    @Test
    void scriptedFailuresTakePrecedenceOverTheRate() {
        sim.config().failureRate(1.0).failureTypes("500");
        sim.failNext("429", 1);

        assertThat(IntStream.range(0, 2).map(i -> chat(sim, "m", "p").statusCode()))
                .containsExactly(429, 500);
    }

    @Test
    void unknownFailureTypesAreRejected() {
        assertThatThrownBy(() -> sim.failNext("explode", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.failNext("200", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.failNext("429", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.config().failureTypes("503", "teapot"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(sim.config().failureTypes()).containsExactly("503");
    }
}
