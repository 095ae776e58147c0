package dev.podstage.sim;

import static dev.podstage.sim.Http.json;
import static dev.podstage.sim.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-model behaviour: a "large" model is slower, bills more tokens and knows more answers than a "small" one. */
class ModelProfilesTest {

    static final ModelProfile LARGE = ModelProfile.parse("latency_ms:30,quality:0.9,reasoning_tokens:40");
    static final ModelProfile SMALL = ModelProfile.parse("latency_ms:0,quality:0.4");
    /** 50 questions, each with a reference answer of a few words. */
    static final Map<String, String> KNOWLEDGE = knowledge(50);

    static Map<String, String> knowledge(int n) {
        Map<String, String> byQuestion = new LinkedHashMap<>();
        IntStream.range(0, n).forEach(i -> byQuestion.put("What is item " + i + "?", "Item " + i + " is a sample."));
        return byQuestion;
    }

    static LlmSimulator start() {
        return LlmSimulator.start(SimConfig.defaults()
                .modelProfile("large", LARGE)
                .modelProfile("small", SMALL)
                .answers(Answers.of(KNOWLEDGE)));
    }

    static JsonObject ask(LlmSimulator sim, String model, String question) {
        String body = new JsonObject(Http.chatBody(model, "Answer in one sentence: " + question))
                .put("max_tokens", 96)
                .encode();
        return json(post(sim, "/v1/chat/completions", body));
    }

    static String content(JsonObject completion) {
        return completion
                .getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content");
    }

    /** The questions {@code model} answers with their reference. */
    static List<String> rightAnswers(LlmSimulator sim, String model) {
        List<String> right = new ArrayList<>();
        KNOWLEDGE.forEach((question, reference) -> {
            if (content(ask(sim, model, question)).equals(reference)) {
                right.add(question);
            }
        });
        return right;
    }

    @Test
    void aLargerModelAnswersMoreQuestionsRightAndEveryOneTheSmallerGetsRight() {
        try (LlmSimulator sim = start()) {
            List<String> large = rightAnswers(sim, "large");
            List<String> small = rightAnswers(sim, "small");

            // about quality x 50 each (difficulty is a hash of the question, so not exactly)
            assertThat(large.size()).isBetween(38, 50);
            assertThat(small.size()).isBetween(10, 30);
            assertThat(large).containsAll(small);
            // a model without a profile never knows the answer: its text derives from model and prompt, as before
            assertThat(rightAnswers(sim, "unprofiled")).isEmpty();
            assertThat(content(ask(sim, "unprofiled", "What is item 1?"))).startsWith("sim ");
        }
    }

    @Test
    void answersAreDeterministicAcrossRequestsAndSimulators() {
        List<String> first;
        try (LlmSimulator sim = start()) {
            first = answersOf(sim, "small");
            assertThat(answersOf(sim, "small")).isEqualTo(first);
        }
        try (LlmSimulator again = start()) {
            assertThat(answersOf(again, "small")).isEqualTo(first);
        }
    }

    static List<String> answersOf(LlmSimulator sim, String model) {
        return KNOWLEDGE.keySet().stream()
                .map(question -> content(ask(sim, model, question)))
                .toList();
    }

    @Test
    void aLargerModelBillsItsReasoningTokens() {
        try (LlmSimulator sim = start()) {
            JsonObject large = ask(sim, "large", "What is item 3?");
            JsonObject small = ask(sim, "small", "What is item 3?");

            JsonObject usage = large.getJsonObject("usage");
            int visible = Synth.tokens(content(large));
            assertThat(usage.getInteger("completion_tokens")).isEqualTo(visible + 40);
            assertThat(usage.getJsonObject("completion_tokens_details").getInteger("reasoning_tokens"))
                    .isEqualTo(40);
            assertThat(usage.getInteger("total_tokens"))
                    .isEqualTo(usage.getInteger("prompt_tokens") + usage.getInteger("completion_tokens"));
            assertThat(small.getJsonObject("usage").getInteger("completion_tokens"))
                    .isEqualTo(Synth.tokens(content(small)));
            assertThat(small.getJsonObject("usage").containsKey("completion_tokens_details"))
                    .isFalse();
            // max_tokens caps visible and reasoning tokens together
            String capped = new JsonObject(Http.chatBody("large", "What is item 3?"))
                    .put("max_tokens", 10)
                    .encode();
            assertThat(json(post(sim, "/v1/chat/completions", capped))
                            .getJsonObject("usage")
                            .getInteger("completion_tokens"))
                    .isEqualTo(10);
        }
    }

    @Test
    void eachModelAnswersAfterItsOwnLatency() {
        try (LlmSimulator sim = start()) {
            sim.config().latencyMs(100).modelProfile("large", new ModelProfile(300L, 0.9, 40));
            long large = timeOf(() -> ask(sim, "large", "What is item 1?"));
            long small = timeOf(() -> ask(sim, "small", "What is item 1?"));
            long unprofiled = timeOf(() -> ask(sim, "unprofiled", "What is item 1?"));

            assertThat(large).isGreaterThanOrEqualTo(300);
            assertThat(unprofiled).isGreaterThanOrEqualTo(100);
            assertThat(small).isLessThan(large);
            assertThat(small).isLessThan(unprofiled + 200); // 0 ms configured; generous for a loaded machine
        }
    }

    static long timeOf(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void tgiInputsUseTheProfilesToo() {
        try (LlmSimulator sim = start()) {
            String body = new JsonObject()
                    .put("model", "large")
                    .put(
                            "inputs",
                            new JsonArray().add("Answer: What is item 1?").add("unknown question"))
                    .encode();
            JsonArray results = new JsonArray(post(sim, "/generate", body).body());

            boolean knows = KNOWLEDGE.get("What is item 1?").equals(content(ask(sim, "large", "What is item 1?")));
            assertThat(results.getJsonObject(0).getString("generated_text").equals("Item 1 is a sample."))
                    .isEqualTo(knows);
            assertThat(results.getJsonObject(1).getString("generated_text")).startsWith("sim ");
            assertThat(results.getJsonObject(1).getJsonObject("details").getInteger("generated_tokens"))
                    .isEqualTo(16 + 40);
        }
    }

    @Test
    void theLongestKnownQuestionInThePromptCounts() {
        Answers answers = Answers.of(Map.of("What is X?", "short", "Really, what is X? Be precise.", "long"));

        assertThat(answers.find("Q: Really, what is X? Be precise.").reference())
                .isEqualTo("long");
        assertThat(answers.find("Q: What is X?").reference()).isEqualTo("short");
        assertThat(answers.find("nothing known")).isNull();
    }

    @Test
    void profileSpecsParseAndBadOnesNameTheProblem() {
        assertThat(ModelProfile.parse("latency_ms:120, quality:0.9 ,reasoning_tokens:48"))
                .isEqualTo(new ModelProfile(120L, 0.9, 48));
        assertThat(ModelProfile.parse("quality:0.5")).isEqualTo(new ModelProfile(null, 0.5, 0));
        assertThat(ModelProfile.parse(LARGE.spec())).isEqualTo(LARGE);
        assertThat(ModelProfile.parseNamed("big=quality:1").getKey()).isEqualTo("big");

        assertThatThrownBy(() -> ModelProfile.parse("speed:3")).hasMessageContaining("unknown profile key 'speed'");
        assertThatThrownBy(() -> ModelProfile.parse("quality:high")).hasMessageContaining("quality needs a number");
        assertThatThrownBy(() -> ModelProfile.parse("quality:1.5")).hasMessageContaining("within 0.0-1.0");
        assertThatThrownBy(() -> ModelProfile.parse("latency_ms:-1")).hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> ModelProfile.parse("quality")).hasMessageContaining("not key:value");
        assertThatThrownBy(() -> ModelProfile.parseNamed("quality:0.5")).hasMessageContaining("NAME=");
    }

    @Test
    void theCommandLineAndTheAdminApiSetProfilesAndAnswers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("references.jsonl");
        Files.writeString(file, """
                {"id": "q1", "text": "What is item 1?", "reference": "Item 1 is a sample."}

                {"id": "q2", "text": "What is item 2?", "reference": "Item 2 is a sample."}
                """);
        SimConfig config = Main.parse(
                new String[] {
                    "--model-profile",
                    "large=latency_ms:30,quality:0.9,reasoning_tokens:40",
                    "--model-profile=small=latency_ms:0,quality:0.4",
                    "--answers",
                    file.toString()
                },
                name -> null);

        assertThat(config.profile("large")).isEqualTo(LARGE);
        assertThat(config.profile("small")).isEqualTo(SMALL);
        assertThat(config.profile("other")).isEqualTo(ModelProfile.DEFAULT);
        assertThat(config.latencyMs("large")).isEqualTo(30);
        assertThat(config.latencyMs("other")).isEqualTo(config.latencyMs());
        assertThat(config.answers().size()).isEqualTo(2);

        Files.writeString(file, "{\"text\": \"q\"}\n");
        assertThatThrownBy(() -> Main.parse(new String[] {"--answers", file.toString()}, n -> null))
                .hasMessageContaining("line 1")
                .hasMessageContaining("'reference'");

        try (LlmSimulator sim = LlmSimulator.start()) {
            JsonObject knobs =
                    new JsonObject().put("modelProfiles", new JsonObject().put("big", "latency_ms:5,quality:1"));
            JsonObject shown = json(post(sim, "/admin/config", knobs.encode()));

            assertThat(shown.getJsonObject("modelProfiles").getString("big"))
                    .isEqualTo("latency_ms:5,quality:1.0,reasoning_tokens:0");
            assertThat(sim.config().latencyMs("big")).isEqualTo(5);
            assertThat(post(sim, "/admin/config", "{\"modelProfiles\": {\"big\": \"quality:2\"}}")
                            .statusCode())
                    .isEqualTo(400);
            assertThat(sim.config().profile("big").quality()).isEqualTo(1.0);
        }
    }
}
