package dev.podstage.runtime.config;

import dev.podstage.runtime.stage.ExitCode;
import dev.podstage.runtime.stage.StageException;

/** Invalid configuration: names the key, the value and what is allowed. Exit code 2, before any work. */
public class ConfigProblem extends StageException {

    public ConfigProblem(String key, Object value, String allowed) {
        super(ExitCode.USAGE, "invalid configuration: " + key + "=" + quote(value) + " (allowed: " + allowed + ")");
    }

    public ConfigProblem(String message) {
        super(ExitCode.USAGE, "invalid configuration: " + message);
    }

    private static String quote(Object value) {
        return value == null ? "<unset>" : "'" + value + "'";
    }
}
