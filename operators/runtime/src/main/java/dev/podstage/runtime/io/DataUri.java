package dev.podstage.runtime.io;

import java.net.URI;
import java.nio.file.Path;

import dev.podstage.runtime.config.ConfigProblem;

/**
 * Inputs and outputs are URIs ({@code file:///…}) or plain paths. Object storage may come later
 * behind the same type; today any other scheme is a configuration error.
 */
public final class DataUri {

    private DataUri() {
    }

    public static Path toPath(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigProblem(key, value, "a file:// URI or a path");
        }
        if (value.startsWith("file:")) {
            return Path.of(URI.create(value));
        }
        if (value.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new ConfigProblem(key, value, "a file:// URI or a path (no other scheme is supported yet)");
        }
        return Path.of(value);
    }

    public static String toUri(Path path) {
        return path.toAbsolutePath().normalize().toUri().toString();
    }
}
