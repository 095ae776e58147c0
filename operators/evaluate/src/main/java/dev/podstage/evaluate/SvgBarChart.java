package dev.podstage.evaluate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A horizontal grouped bar chart as inline SVG: one group per measure (e.g. p50, p95), one bar per
 * variant, each labelled with its value. No script, no external asset: the report is one file that
 * opens anywhere, also from an artifact store or an e-mail.
 */
final class SvgBarChart {

    static final String[] COLOURS = {"#3b6fb6", "#e08a2c"};

    private static final int WIDTH = 640;
    private static final int LABEL = 150;
    private static final int VALUE = 120;
    private static final int BAR = 18;
    private static final int GAP = 10;

    private final String title;
    private final List<String> series;
    private final List<String> groups = new ArrayList<>();
    private final List<Double[]> values = new ArrayList<>();
    private final DoubleFunction<String> format;

    SvgBarChart(String title, List<String> series, DoubleFunction<String> format) {
        this.title = title;
        this.series = List.copyOf(series);
        this.format = format;
    }

    /** One measure; a null value is drawn as "n/a" without a bar. */
    SvgBarChart group(String label, Double... perSeries) {
        groups.add(label);
        values.add(perSeries);
        return this;
    }

    String render() {
        double max = values.stream()
                .flatMap(v -> java.util.Arrays.stream(v))
                .filter(v -> v != null)
                .mapToDouble(Double::doubleValue)
                .max()
                .orElse(0);
        int groupHeight = series.size() * BAR + GAP;
        int height = 40 + groups.size() * groupHeight + 24;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                        + " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n",
                WIDTH,
                height,
                WIDTH,
                height,
                Html.escape(title)));
        svg.append("<title>").append(Html.escape(title)).append("</title>\n");
        svg.append(text(0, 18, "title", title));
        int y = 34;
        int plot = WIDTH - LABEL - VALUE;
        for (int g = 0; g < groups.size(); g++) {
            svg.append(text(0, y + series.size() * BAR / 2 + 5, "group", groups.get(g)));
            for (int s = 0; s < series.size(); s++) {
                Double v = values.get(g).length > s ? values.get(g)[s] : null;
                int barY = y + s * BAR;
                int w = v == null || max <= 0 ? 0 : (int) Math.max(1, Math.round(plot * v / max));
                if (v != null) {
                    svg.append(String.format(
                            Locale.ROOT,
                            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                                    + "<title>%s: %s</title></rect>\n",
                            LABEL,
                            barY + 2,
                            w,
                            BAR - 4,
                            COLOURS[s % COLOURS.length],
                            Html.escape(series.get(s)),
                            Html.escape(format.apply(v))));
                }
                svg.append(text(
                        LABEL + w + 6,
                        barY + BAR - 5,
                        "value",
                        series.get(s) + ": " + (v == null ? "n/a" : format.apply(v))));
            }
            y += groupHeight;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String text(int x, int y, String cssClass, String content) {
        return String.format(
                Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"%s\">%s</text>\n", x, y, cssClass, Html.escape(content));
    }
}
