package dev.podstage.runtime.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds a stage's typed configuration from, highest first: command-line options, system
 * properties, environment, the mapping defaults.
 *
 * <p>Why the mappings are never injected (so Quarkus does not build them at boot): the command line
 * is parsed by picocli after boot, and the stage contract wants a bad value to exit 2 with a
 * message naming the key — a boot-time config failure would exit 1 with Quarkus' own report,
 * before picocli sees an option. Quarkus still generates their implementations at build time.
 */
public final class StageConfigLoader {

    /** Above system properties (400) and environment (300). */
    private static final int CLI_ORDINAL = 500;

    private final Map<Class<?>, String> mappings = new LinkedHashMap<>();

    public StageConfigLoader() {
        mappings.put(SharedConfig.class, SharedConfig.PREFIX);
    }

    public StageConfigLoader with(Class<?> mapping, String prefix) {
        mappings.put(mapping, prefix);
        return this;
    }

    /** Every registered mapping and its prefix, {@link SharedConfig} first. */
    public Map<Class<?>, String> mappings() {
        return Collections.unmodifiableMap(mappings);
    }

    /** The mappings the stage registered ({@link #with}): its own keys, which become its options. */
    public Map<Class<?>, String> stageMappings() {
        Map<Class<?>, String> own = new LinkedHashMap<>(mappings);
        own.remove(SharedConfig.class);
        return Collections.unmodifiableMap(own);
    }

    /** The configuration for this run, or {@link ConfigProblem} naming each bad key and value. */
    public SmallRyeConfig load(Map<String, String> cliOverrides) {
        // Unknown podstage.* keys fail: a mistyped option key or -D property must not be ignored silently.
        SmallRyeConfigBuilder builder = base().withValidateUnknown(true)
                .addDefaultSources()
                .withSources(new PropertiesConfigSource(cliOverrides, "command line", CLI_ORDINAL));
        try {
            return builder.build();
        } catch (ConfigValidationException e) {
            throw new ConfigProblem(describe(e));
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem(withoutCodes(rootMessage(e)));
        }
    }

    /** Default of each key with the environment applied, unconverted: what {@code --help} shows. */
    public String effectiveDefault(String key) {
        String env = System.getenv(envName(key));
        if (env != null) {
            return env;
        }
        return defaults().getRawValue(key);
    }

    private SmallRyeConfig defaultsConfig;

    private synchronized SmallRyeConfig defaults() {
        if (defaultsConfig == null) {
            defaultsConfig = base().build(); // mapping defaults only: always valid
        }
        return defaultsConfig;
    }

    private SmallRyeConfigBuilder base() {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withValidateUnknown(false);
        mappings.forEach(builder::withMapping);
        return builder;
    }

    /** {@code podstage.infer.batch-size} → {@code PODSTAGE_INFER_BATCH_SIZE}, as SmallRye matches it. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static String describe(ConfigValidationException e) {
        return java.util.stream.IntStream.range(0, e.getProblemCount())
                .mapToObj(i -> e.getProblem(i).getMessage())
                .map(StageConfigLoader::withoutCodes)
                .collect(Collectors.joining("; "));
    }

    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.toString() : message.replaceFirst("^[\\w.]+(Exception|Error): ", "");
    }

    /** SmallRye prefixes messages with codes like SRCFG00039: noise for a task log reader. */
    private static String withoutCodes(String message) {
        return message.replaceAll("SRCFG\\d+: ", "");
    }
}
