package dev.podstage.runtime.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A key of a stage's config mapping that is also a command-line option, declared once on the mapping
 * method next to its {@code @WithDefault}: the option is {@code --<key>} with this help, and its
 * environment variable and default are appended from the key ({@code stage/SettingOptions}), so no
 * command repeats the key's name, default or environment variable.
 *
 * <p>Every method of a stage's mapping carries {@code @Setting}, {@link EnvOnly} or, for a nested group
 * of keys, {@link Group}: a new key cannot end up without a decision about its option.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Setting {

    /**
     * Position in {@code --help} among the mapping's options (unique within the mapping or group). Explicit
     * because the JVM does not return an interface's methods in declaration order.
     */
    int order();

    /** What the option does, as a sentence; the environment variable and the default are appended. */
    String help();

    /** picocli's {@code paramLabel}, e.g. {@code N} or {@code DURATION}; empty: {@code <methodName>}. */
    String label() default "";

    /**
     * Given once per value on the command line ({@code --endpoint a --endpoint b}); the environment
     * variable takes the values comma-separated, which the help says.
     */
    boolean repeatable() default false;

    /**
     * What {@code --help} names as the default of a key without {@code @WithDefault} whose default the
     * stage computes (e.g. {@code the pod's cores}); empty: no default shown.
     */
    String defaultText() default "";

    /**
     * A key set by environment only, with no option: a secret that must not appear in a process list, or
     * a tuning knob not worth an option.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface EnvOnly {}

    /**
     * A nested group of keys ({@code @WithParentName}: the group's keys sit under the mapping's prefix);
     * its options are listed together at this position, in the group's own order.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface Group {
        int order();
    }
}
