package dev.podstage.runtime.stage;

import picocli.CommandLine.Option;

/**
 * The options several stages offer with the same meaning and the same words, as picocli mixins: a
 * command puts {@code @Mixin StageOptions.MaxRejectRatio maxRejectRatio;} where the option belongs
 * in its {@code --help} (options are listed in declaration order). An option whose help says
 * something stage-specific (ingest's directories, store's repeatable inputs) stays in its command.
 * The fields only receive what picocli parsed; the values reach the stage through the config key in
 * {@code descriptionKey}.
 */
public final class StageOptions {

    private StageOptions() {}

    /** {@code --input} and {@code --output} of a stage that turns one JSON Lines file into another. */
    public static class JsonLinesInputOutput {

        @Option(
                names = "--input",
                descriptionKey = "podstage.input",
                paramLabel = "URI",
                description = "Input JSON Lines (file:// URI or path). Env PODSTAGE_INPUT.")
        String input;

        @Option(
                names = "--output",
                descriptionKey = "podstage.output",
                paramLabel = "URI",
                description = "Output JSON Lines; rejects go to <output>.rejects.jsonl. Env PODSTAGE_OUTPUT.")
        String output;
    }

    /** {@code --max-reject-ratio}: {@code podstage.max-reject-ratio}, checked by the runtime. */
    public static class MaxRejectRatio {

        @Option(
                names = "--max-reject-ratio",
                descriptionKey = "podstage.max-reject-ratio",
                paramLabel = "R",
                description =
                        "Rejected/input lines above which the stage fails (exit 3). Env PODSTAGE_MAX_REJECT_RATIO."
                                + " Default: ${DEFAULT-VALUE}.")
        String maxRejectRatio;
    }

    /** {@code --variant}: the A/B label that tags metrics and output records. */
    public static class Variant {

        @Option(
                names = "--variant",
                descriptionKey = "podstage.variant",
                description = "A/B variant label for metrics and records. Env PODSTAGE_VARIANT.")
        String variant;
    }

    /** {@code --progress-interval}: how often the runtime logs progress. */
    public static class ProgressInterval {

        @Option(
                names = "--progress-interval",
                descriptionKey = "podstage.progress-interval",
                paramLabel = "DURATION",
                description =
                        "Progress log interval (0 = off). Env PODSTAGE_PROGRESS_INTERVAL. Default: ${DEFAULT-VALUE}.")
        String progressInterval;
    }
}
