package dev.podstage.evaluate;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The comparison as one self-contained HTML page: the verdict and why, a table of every number,
 * and inline SVG bar charts of latency, cost, quality and rates. No script, no CDN, no external
 * stylesheet or font. Nothing in it depends on the clock, so the same data gives the same bytes.
 */
final class HtmlReport {

    /** What the page says beyond the two variants' numbers. */
    record Context(
            Scope scope,
            List<Criterion> rule,
            Tolerances tolerances,
            int minSamples,
            String similarity,
            String airflow) {}

    private HtmlReport() {}

    static String render(VariantStats a, VariantStats b, Verdict verdict, Context context) {
        List<String> names = List.of(a.name(), b.name());
        StringBuilder html = new StringBuilder(16_384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>A/B evaluation: ")
                .append(Html.escape(a.name()))
                .append(" vs ")
                .append(Html.escape(b.name()))
                .append("</title>\n<style>\n")
                .append(STYLE)
                .append("</style>\n</head>\n<body>\n");
        html.append("<h1>A/B evaluation: <span class=\"a\">")
                .append(Html.escape(a.name()))
                .append("</span> vs <span class=\"b\">")
                .append(Html.escape(b.name()))
                .append("</span></h1>\n");
        html.append("<p class=\"verdict ")
                .append(verdict.kind().value())
                .append("\">")
                .append(headline(verdict))
                .append("</p>\n<ul class=\"reasons\">\n");
        verdict.reasons()
                .forEach(r -> html.append("<li>").append(Html.escape(r)).append("</li>\n"));
        html.append("</ul>\n");
        html.append(table(a, b));
        html.append("<h2>Latency</h2>\n")
                .append(new SvgBarChart(
                                "Latency of sent requests (ms)", names, v -> String.format(Locale.ROOT, "%.0f ms", v))
                        .group("p50", ms(a.latencyP50Ms()), ms(b.latencyP50Ms()))
                        .group("p95", ms(a.latencyP95Ms()), ms(b.latencyP95Ms()))
                        .render());
        html.append("<h2>Cost</h2>\n")
                .append(new SvgBarChart(
                                "Cost per answered record (USD)", names, v -> String.format(Locale.ROOT, "$%.6f", v))
                        .group("per record", a.costPerRecord(), b.costPerRecord())
                        .render());
        html.append("<h2>Quality</h2>\n")
                .append(new SvgBarChart(
                                "Quality against the references (0-1)",
                                names,
                                v -> String.format(Locale.ROOT, "%.3f", v))
                        .group("exact match", a.exactMatch(), b.exactMatch())
                        .group("similarity", a.similarity(), b.similarity())
                        .render());
        html.append("<h2>Errors and cache</h2>\n")
                .append(new SvgBarChart("Rates (%)", names, v -> String.format(Locale.ROOT, "%.1f%%", v))
                        .group("error rate", 100 * a.errorRate(), 100 * b.errorRate())
                        .group("cache hits", pct(a.cacheHitRatio()), pct(b.cacheHitRatio()))
                        .render());
        html.append(footer(context));
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private static String headline(Verdict verdict) {
        return switch (verdict.kind()) {
            case WINNER ->
                "Winner: <strong>" + Html.escape(verdict.winner()) + "</strong> (decided by "
                        + verdict.decidedBy().configName() + ")";
            case TIE -> "Tie: no criterion tells the variants apart beyond its tolerance";
            case INSUFFICIENT_DATA -> "Insufficient data: no winner";
        };
    }

    private static String table(VariantStats a, VariantStats b) {
        StringBuilder t = new StringBuilder("<table>\n<thead><tr><th></th><th class=\"a\">")
                .append(Html.escape(a.name()))
                .append("</th><th class=\"b\">")
                .append(Html.escape(b.name()))
                .append("</th></tr></thead>\n<tbody>\n");
        row(t, "records (answered + errors)", a, b, s -> Long.toString(s.records()));
        row(t, "errors", a, b, s -> s.errors() + String.format(Locale.ROOT, " (%.1f%%)", 100 * s.errorRate()));
        row(
                t,
                "latency p50 / p95 (ms)",
                a,
                b,
                s -> s.latencyP50Ms() == null
                        ? "n/a"
                        : s.latencyP50Ms() + " / " + s.latencyP95Ms() + " (" + s.latencySamples() + " requests)");
        row(t, "cost total (USD)", a, b, s -> String.format(Locale.ROOT, "%.6f", s.costUsd()));
        row(t, "cost per answered record (USD)", a, b, s -> fmt(s.costPerRecord(), "%.6f"));
        row(
                t,
                "cache hit ratio",
                a,
                b,
                s -> s.cacheHitRatio() == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * s.cacheHitRatio()));
        row(t, "outputs with a reference", a, b, s -> Long.toString(s.compared()));
        row(t, "exact match", a, b, s -> fmt(s.exactMatch(), "%.3f"));
        row(t, "similarity (mean cosine)", a, b, s -> fmt(s.similarity(), "%.3f"));
        return t.append("</tbody>\n</table>\n").toString();
    }

    private static void row(
            StringBuilder t, String label, VariantStats a, VariantStats b, Function<VariantStats, String> value) {
        t.append("<tr><th>")
                .append(Html.escape(label))
                .append("</th><td>")
                .append(Html.escape(value.apply(a)))
                .append("</td><td>")
                .append(Html.escape(value.apply(b)))
                .append("</td></tr>\n");
    }

    private static String footer(Context c) {
        return "<p class=\"footer\">Results: " + Html.escape(c.scope().describe()) + ". Rule: "
                + Html.escape(c.rule().stream().map(Criterion::configName).collect(Collectors.joining(" → ")))
                + String.format(
                        Locale.ROOT,
                        " (ties: quality ±%s, errors ±%s, cost and latency ±%s%%)",
                        c.tolerances().quality(),
                        c.tolerances().errors(),
                        c.tolerances().relative() * 100)
                + ". Minimum records per variant: " + c.minSamples() + ". Similarity: " + Html.escape(c.similarity())
                + ". Task: " + Html.escape(c.airflow()) + ".</p>\n";
    }

    private static Double ms(Long value) {
        return value == null ? null : value.doubleValue();
    }

    private static Double pct(Double ratio) {
        return ratio == null ? null : 100 * ratio;
    }

    private static String fmt(Double value, String format) {
        return value == null ? "n/a" : String.format(Locale.ROOT, format, value);
    }

    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 720px; color: #222; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
            .a { color: #3b6fb6; } .b { color: #e08a2c; }
            .verdict { font-size: 1.2em; padding: .6em .8em; border-radius: 4px; background: #eef3ea; }
            .verdict.tie { background: #f3f1e6; } .verdict.insufficient_data { background: #f6e9e9; }
            table { border-collapse: collapse; margin-top: 1em; }
            th, td { text-align: left; padding: .25em .8em; border-bottom: 1px solid #ddd; }
            svg text { font-size: 12px; fill: #222; } svg text.title { font-weight: bold; font-size: 13px; }
            .footer { color: #666; font-size: .85em; margin-top: 2em; }
            """;
}
