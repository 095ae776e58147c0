package dev.podstage.evaluate;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of a comparison: {@code winner} (with the variant and the criterion that decided),
 * {@code tie} (every criterion within tolerance) or {@code insufficient_data} (a variant below the
 * minimum sample size: no winner). {@code reasons}: one line per criterion, for people.
 */
public record Verdict(Kind kind, String winner, Criterion decidedBy, List<String> reasons) {

    public enum Kind {
        WINNER,
        TIE,
        INSUFFICIENT_DATA;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
