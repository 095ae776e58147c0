package dev.podstage.runtime.config;

import dev.podstage.runtime.stage.ConfigurationException;

/** Invalid configuration: names the key, the value and what is allowed. Exit code 2, before any work. */
public class ConfigProblem extends ConfigurationException {

    public ConfigProblem(String key, Object value, String allowed) {
        super("invalid configuration: " + key + "=" + quote(value) + " (allowed: " + allowed + ")");
    }

    public ConfigProblem(String message) {
        super("invalid configuration: " + message);
    }

    private static String quote(Object value) {
        return value == null ? "<unset>" : "'" + value + "'";
    }
}
