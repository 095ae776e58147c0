package dev.podstage.runtime.stage;

import dev.podstage.runtime.config.MappingKey;
import dev.podstage.runtime.config.MappingKeys;
import dev.podstage.runtime.config.Setting;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command-line options of a stage's config mapping, derived from its {@link Setting} declarations:
 * {@code --<key>} named by its key in {@code descriptionKey} (how {@code ConfigDefaults} and
 * {@code CliOverrides} find it), with the help, environment variable and default, in the declared order.
 * A key marked {@link Setting.EnvOnly} gets no option; a key with neither is a mistake and stops the stage.
 */
public final class SettingOptions {

    private SettingOptions() {}

    /** In {@code --help} order: by {@link Setting#order()}, a group's keys at the group's position. */
    public static List<OptionSpec> of(Class<?> mapping, String prefix) {
        return of(mapping, MappingKeys.of(mapping, prefix));
    }

    /** The same, from the mapping's keys already read ({@link MappingKeys#of}). */
    static List<OptionSpec> of(Class<?> mapping, List<MappingKey> mappingKeys) {
        List<Placed> placed = new ArrayList<>();
        for (MappingKey key : mappingKeys) {
            Setting setting = key.setting();
            if (setting == null && !key.envOnly() || setting != null && key.envOnly()) {
                throw new IllegalStateException(key.key() + " (" + key.method()
                        + "): declare its option with @Setting or mark it @Setting.EnvOnly, not both");
            }
            if (setting != null) {
                placed.add(new Placed(position(key, setting), option(key, setting)));
            }
        }
        placed.sort(Comparator.comparing(Placed::position, SettingOptions::compare));
        for (int i = 1; i < placed.size(); i++) {
            List<Integer> before = placed.get(i - 1).position();
            List<Integer> after = placed.get(i).position();
            if (after.size() >= before.size() && after.subList(0, before.size()).equals(before)) {
                throw new IllegalStateException(
                        mapping.getName() + ": " + placed.get(i - 1).option().longestName() + " and "
                                + placed.get(i).option().longestName() + " share the order " + before);
            }
        }
        return placed.stream().map(Placed::option).toList();
    }

    private static OptionSpec option(MappingKey key, Setting setting) {
        String help = OptionHelp.describe(
                setting.help(), key.key(), setting.repeatable(), key.hasDefault(), setting.defaultText());
        OptionSpec.Builder option = OptionSpec.builder("--" + key.name())
                .descriptionKey(key.key())
                .paramLabel(setting.label().isEmpty() ? "<" + key.method().getName() + ">" : setting.label())
                .description(help);
        // The values only pass through to the config, as text: the mapping converts and checks them.
        return setting.repeatable()
                ? option.type(List.class).auxiliaryTypes(String.class).build()
                : option.type(String.class).build();
    }

    /** The orders of the enclosing groups, then the key's own. */
    private static List<Integer> position(MappingKey key, Setting setting) {
        List<Integer> position = new ArrayList<>();
        for (Method group : key.groups()) {
            Setting.Group declared = group.getAnnotation(Setting.Group.class);
            if (declared == null) {
                throw new IllegalStateException(
                        group + ": a group of keys with options needs @Setting.Group for their position");
            }
            position.add(declared.order());
        }
        position.add(setting.order());
        return position;
    }

    private static int compare(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private record Placed(List<Integer> position, OptionSpec option) {}
}
