package dev.podstage.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static final HtmlReport.Context CONTEXT = new HtmlReport.Context(
            new Scope("", "gpt-x"),
            List.of(Criterion.QUALITY, Criterion.COST),
            new Tolerances(0.02, 0.01, 0.05),
            30,
            "none",
            "outside Airflow");

    private static VariantStats stats(String name, Double quality) {
        return new VariantStats(name, 40, 2, 0.038, 8, 30, 120L, 340L, quality == null ? 0 : 38, quality, null);
    }

    @Test
    void theReportIsOneSelfContainedPageNamingBothVariantsWithCharts() {
        String html = HtmlReport.render(
                stats("cheap-model", 0.7),
                stats("big-model", 0.9),
                new Verdict(
                        Verdict.Kind.WINNER, "big-model", Criterion.QUALITY, List.of("quality: big-model is better")),
                CONTEXT);

        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains("cheap-model")
                .contains("big-model")
                .contains("Winner: <strong>big-model</strong> (decided by quality)");
        assertThat(html.split("<svg ", -1))
                .as("latency, cost, quality and rate charts")
                .hasSize(5);
        assertThat(html)
                .contains("cheap-model: 120 ms")
                .contains("big-model: 340 ms")
                .contains("big-model: 0.900");
        assertThat(html)
                .doesNotContain("<script")
                .doesNotContain("src=")
                .doesNotContain("href=")
                .doesNotContain("@import")
                .doesNotContain("url(");
    }

    @Test
    void namesAreEscapedAndMissingNumbersShowAsNotAvailable() {
        String html = HtmlReport.render(
                stats("<script>alert(1)</script>", null),
                stats("b&b", null),
                new Verdict(Verdict.Kind.INSUFFICIENT_DATA, null, null, List.of("too few")),
                CONTEXT);

        assertThat(html)
                .doesNotContain("<script>alert")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("b&amp;b")
                .contains("Insufficient data: no winner")
                .contains(": n/a");
    }

    @Test
    void theSameNumbersGiveTheSameBytes() {
        Verdict tie = new Verdict(Verdict.Kind.TIE, null, null, List.of());
        assertThat(HtmlReport.render(stats("a", 0.5), stats("b", 0.5), tie, CONTEXT))
                .isEqualTo(HtmlReport.render(stats("a", 0.5), stats("b", 0.5), tie, CONTEXT));
    }
}
