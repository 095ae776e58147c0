package dev.podstage.runtime.stage;

import dev.podstage.runtime.config.StageConfigLoader;

/**
 * The help of an option for a config key: its own words, then its environment variable and its
 * default, worded the same for every option, e.g. {@code Requests in flight at once. Env
 * PODSTAGE_INFER_MAX_IN_FLIGHT. Default: ${DEFAULT-VALUE}.} picocli replaces {@code ${DEFAULT-VALUE}}
 * with the effective default ({@code config/ConfigDefaults}).
 */
final class OptionHelp {

    private OptionHelp() {}

    /**
     * @param repeatable the option takes one value per occurrence: the environment takes them comma-separated
     * @param hasDefault the mapping has a default for the key
     * @param defaultText what the default is when the stage computes it (no mapping default); empty: none
     */
    static String describe(String help, String key, boolean repeatable, boolean hasDefault, String defaultText) {
        StringBuilder text = new StringBuilder(help)
                .append(" Env ")
                .append(StageConfigLoader.envName(key))
                .append(repeatable ? " (comma-separated)." : ".");
        if (hasDefault) {
            text.append(" Default: ${DEFAULT-VALUE}.");
        } else if (!defaultText.isEmpty()) {
            text.append(" Default: ").append(defaultText).append('.');
        }
        return text.toString();
    }
}
