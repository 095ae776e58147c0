package dev.podstage.runtime.stage;

import picocli.CommandLine.Option;

/**
 * The options several stages offer with the same meaning and the same words, as picocli mixins: a
 * command puts {@code @Mixin StageOptions.MaxRejectRatio maxRejectRatio;} among its fields. An option
 * whose help says something stage-specific (ingest's directories, store's repeatable inputs) stays in
 * its command. The fields only receive what picocli parsed; the values reach the stage through the
 * config key in {@code descriptionKey}.
 *
 * <p>A declared option's help is its own words only: the environment variable and default are appended
 * from its key ({@link StageCommandOptions}), as for the options of the stage's own keys
 * ({@link SettingOptions}). Its {@code order} places it before or after those in {@code --help};
 * options with the same order are listed in declaration order.
 */
public final class StageOptions {

    /** The order of a declared option listed before the stage's own keys. */
    public static final int BEFORE_STAGE_SETTINGS = 0;

    /** The order of a declared option listed after the stage's own keys. */
    public static final int AFTER_STAGE_SETTINGS = 1000;

    private StageOptions() {}

    /** {@code --input} and {@code --output} of a stage that turns one JSON Lines file into another. */
    public static class JsonLinesInputOutput {

        @Option(
                names = "--input",
                descriptionKey = "podstage.input",
                paramLabel = "URI",
                order = BEFORE_STAGE_SETTINGS,
                description = "Input JSON Lines (file:// URI or path).")
        String input;

        @Option(
                names = "--output",
                descriptionKey = "podstage.output",
                paramLabel = "URI",
                order = BEFORE_STAGE_SETTINGS,
                description = "Output JSON Lines; rejects go to <output>.rejects.jsonl.")
        String output;
    }

    /** {@code --max-reject-ratio}: {@code podstage.max-reject-ratio}, checked by the runtime. */
    public static class MaxRejectRatio {

        @Option(
                names = "--max-reject-ratio",
                descriptionKey = "podstage.max-reject-ratio",
                paramLabel = "R",
                order = AFTER_STAGE_SETTINGS,
                description = "Rejected/input lines above which the stage fails (exit 3).")
        String maxRejectRatio;
    }

    /** {@code --variant}: the A/B label that tags metrics and output records. */
    public static class Variant {

        @Option(
                names = "--variant",
                descriptionKey = "podstage.variant",
                order = AFTER_STAGE_SETTINGS,
                description = "A/B variant label for metrics and records.")
        String variant;
    }

    /** {@code --progress-interval}: how often the runtime logs progress. */
    public static class ProgressInterval {

        @Option(
                names = "--progress-interval",
                descriptionKey = "podstage.progress-interval",
                paramLabel = "DURATION",
                order = AFTER_STAGE_SETTINGS,
                description = "Progress log interval (0 = off).")
        String progressInterval;
    }
}
