package dev.podstage.runtime.stage;

import dev.podstage.runtime.config.MappingKey;
import dev.podstage.runtime.config.MappingKeys;
import dev.podstage.runtime.config.StageConfigLoader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Completes a stage command's options from its config mappings: the options of the stage's own keys
 * ({@link SettingOptions}) join the options the command declares itself (the {@link StageOptions}
 * mixins and shared options whose help is stage-specific), whose help gets its environment variable
 * and default appended the same way. {@code --help} lists the declared options by their picocli
 * {@code order} ({@link StageOptions#BEFORE_STAGE_SETTINGS} or {@link StageOptions#AFTER_STAGE_SETTINGS},
 * ties in declaration order), the stage's keys between them, {@code -h} and {@code -V} last.
 */
final class StageCommandOptions {

    /** picocli's order of an option that sets none. */
    private static final int NO_ORDER = -1;

    /** After every other option; not Integer.MAX_VALUE, as picocli compares orders by subtracting them. */
    private static final int HELP_ORDER = Integer.MAX_VALUE / 2;

    private StageCommandOptions() {}

    static void complete(CommandSpec spec, StageConfigLoader loader) {
        // Each mapping is read by reflection once, for the declared options' keys and the stage's options.
        Map<Class<?>, List<MappingKey>> read = new HashMap<>();
        Map<String, MappingKey> keys = new HashMap<>();
        loader.mappings().forEach((mapping, prefix) -> {
            List<MappingKey> mappingKeys = MappingKeys.of(mapping, prefix);
            read.put(mapping, mappingKeys);
            mappingKeys.forEach(key -> keys.put(key.key(), key));
        });
        List<OptionSpec> declared = List.copyOf(spec.options());
        List<OptionSpec> listed = new ArrayList<>();
        for (OptionSpec option : declared) {
            listed.add(
                    option.usageHelp() || option.versionHelp()
                            ? option.toBuilder().order(HELP_ORDER).build()
                            : withEnvironment(option, keys));
        }
        int order = StageOptions.BEFORE_STAGE_SETTINGS;
        for (Class<?> mapping : loader.stageMappings().keySet()) {
            for (OptionSpec option : SettingOptions.of(mapping, read.get(mapping))) {
                listed.add(option.toBuilder().order(++order).build());
            }
        }
        if (order >= StageOptions.AFTER_STAGE_SETTINGS) {
            throw new IllegalStateException(order + " options: more than StageOptions.AFTER_STAGE_SETTINGS allows");
        }
        declared.forEach(spec::remove);
        // Sorted as picocli lists them (stable, by order), so the model reads in the same order as the help.
        listed.stream().sorted(Comparator.comparingInt(OptionSpec::order)).forEach(spec::addOption);
    }

    /** A declared option with the environment variable and default of the key it names appended. */
    private static OptionSpec withEnvironment(OptionSpec option, Map<String, MappingKey> keys) {
        MappingKey key = keys.get(option.descriptionKey());
        if (key == null) {
            throw new IllegalStateException(option.longestName() + ": descriptionKey '" + option.descriptionKey()
                    + "' is no key of the stage's config mappings");
        }
        if (option.order() == NO_ORDER) {
            throw new IllegalStateException(option.longestName()
                    + ": needs an order, StageOptions.BEFORE_STAGE_SETTINGS or AFTER_STAGE_SETTINGS");
        }
        OptionSpec.Builder builder = option.toBuilder();
        // The builder's description is the declared text: the option's own would interpolate variables.
        String[] description = builder.description().clone();
        int last = description.length - 1;
        description[last] =
                OptionHelp.describe(description[last], key.key(), option.isMultiValue(), key.hasDefault(), "");
        return builder.description(description).build();
    }
}
