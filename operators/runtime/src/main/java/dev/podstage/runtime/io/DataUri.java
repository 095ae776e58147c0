package dev.podstage.runtime.io;

import dev.podstage.runtime.config.ConfigProblem;
import java.net.URI;
import java.nio.file.Path;

/**
 * Inputs and outputs are URIs ({@code file:///…}) or plain paths. Object storage may come later
 * behind the same type; today any other scheme is a configuration error.
 */
public final class DataUri {

    private DataUri() {}

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

    /**
     * The {@code file:} URI of a path, the same whether or not the path exists: {@code Path.toUri()}
     * adds a trailing {@code /} for an existing directory, which would make an output directory's
     * URI (and so a job key) change between a run and its rerun. The root keeps its {@code /}.
     */
    public static String toUri(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        String uri = absolute.toUri().toString();
        return uri.endsWith("/") && absolute.getNameCount() > 0 ? uri.substring(0, uri.length() - 1) : uri;
    }
}
