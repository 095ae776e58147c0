package dev.podstage.runtime.config;

import io.smallrye.config.WithDefault;
import java.lang.reflect.Method;
import java.util.List;

/**
 * One key of a config mapping as its interface declares it.
 *
 * @param key the full key, e.g. {@code podstage.infer.max-retries}
 * @param name the key below the mapping's prefix, e.g. {@code max-retries}: the option's name
 * @param method the mapping method that declares it
 * @param groups the nested-group methods it sits in, outermost first (empty for a key of the mapping itself)
 */
public record MappingKey(String key, String name, Method method, List<Method> groups) {

    public MappingKey {
        groups = List.copyOf(groups);
    }

    /** {@code PODSTAGE_INFER_MAX_RETRIES}: how the environment sets it. */
    public String envName() {
        return StageConfigLoader.envName(key);
    }

    /** The key has a mapping default ({@code @WithDefault}), which {@code --help} shows. */
    public boolean hasDefault() {
        return method.isAnnotationPresent(WithDefault.class);
    }

    /** Its option's declaration, or null for a key without one. */
    public Setting setting() {
        return method.getAnnotation(Setting.class);
    }

    public boolean envOnly() {
        return method.isAnnotationPresent(Setting.EnvOnly.class);
    }
}
