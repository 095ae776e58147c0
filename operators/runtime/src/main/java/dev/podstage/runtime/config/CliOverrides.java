package dev.podstage.runtime.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The options the user typed, as config keys: each option names its key in {@code descriptionKey}
 * (e.g. {@code --batch-size} → {@code podstage.infer.batch-size}). Only typed options count, so
 * the environment still applies to every option left out.
 */
public final class CliOverrides {

    private CliOverrides() {}

    public static Map<String, String> from(ParseResult parsed) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (OptionSpec option : parsed.matchedOptions()) {
            String key = option.descriptionKey();
            if (key == null || key.isEmpty()) {
                continue;
            }
            overrides.put(key, asConfigValue(option.getValue()));
        }
        return overrides;
    }

    /** Lists become SmallRye's comma-separated form, with commas inside an element escaped. */
    private static String asConfigValue(Object value) {
        if (value instanceof Collection<?> list) {
            return list.stream().map(v -> String.valueOf(v).replace(",", "\\,")).collect(Collectors.joining(","));
        }
        return String.valueOf(value);
    }
}
