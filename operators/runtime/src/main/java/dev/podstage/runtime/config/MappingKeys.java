package dev.podstage.runtime.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMapping.NamingStrategy;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The keys a config mapping interface declares, named as SmallRye names them: the method name in the
 * mapping's naming strategy (kebab case unless it says otherwise), or its {@code @WithName}, under the
 * prefix; a nested group's keys under the group's name, or under the prefix itself with
 * {@code @WithParentName}.
 *
 * <p>Read by reflection at run time, so in a native executable each mapping interface and group must be
 * registered for reflection with its methods ({@code @RegisterForReflection(methods = true)}).
 */
public final class MappingKeys {

    private MappingKeys() {}

    /** Sorted by key, so that what is derived from them does not depend on the JVM's method order. */
    public static List<MappingKey> of(Class<?> mapping, String prefix) {
        ConfigMapping root = mapping.getAnnotation(ConfigMapping.class);
        NamingStrategy naming = root == null ? NamingStrategy.KEBAB_CASE : root.namingStrategy();
        List<MappingKey> keys = new ArrayList<>();
        collect(mapping, prefix, prefix, naming, List.of(), keys);
        if (keys.isEmpty()) {
            // In a native executable, a mapping not registered for reflection shows no methods at all.
            throw new IllegalStateException(
                    mapping.getName() + " declares no keys that reflection can see: register it for reflection");
        }
        keys.sort(Comparator.comparing(MappingKey::key));
        return keys;
    }

    private static void collect(
            Class<?> type,
            String mappingPrefix,
            String prefix,
            NamingStrategy naming,
            List<Method> groups,
            List<MappingKey> keys) {
        for (Method method : type.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.isDefault() || method.getParameterCount() > 0) {
                continue;
            }
            WithName withName = method.getAnnotation(WithName.class);
            String name = withName != null ? withName.value() : naming.apply(method.getName());
            if (isGroup(method)) {
                List<Method> inside = new ArrayList<>(groups);
                inside.add(method);
                String groupPrefix = method.isAnnotationPresent(WithParentName.class) ? prefix : prefix + "." + name;
                collect(method.getReturnType(), mappingPrefix, groupPrefix, naming, inside, keys);
            } else {
                String key = prefix + "." + name;
                keys.add(new MappingKey(key, key.substring(mappingPrefix.length() + 1), method, groups));
            }
        }
    }

    /** A nested mapping interface; values (String, Duration, enums, Optional, List …) are not ours. */
    private static boolean isGroup(Method method) {
        Class<?> type = method.getReturnType();
        return type.isInterface() && !type.getName().startsWith("java.");
    }
}
