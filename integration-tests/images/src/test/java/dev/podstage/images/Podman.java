package dev.podstage.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs podman with the repository's containers.conf (runc, cgroupfs, ulimits: see scripts/podman-env.sh). */
final class Podman {

    record Result(int exitCode, String stdout, String stderr) {}

    private Podman() {}

    static Result run(Duration timeout, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(args);
        try {
            Path out = Files.createTempFile("podman", ".out");
            Path err = Files.createTempFile("podman", ".err");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("CONTAINERS_CONF", containersConf().toString());
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("podman did not finish within " + timeout + ": " + command);
            }
            Result result = new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static Result run(String... args) {
        return run(Duration.ofMinutes(2), List.of(args));
    }

    /** The file scripts/podman-env.sh writes; written here too when a test runs first. */
    static Path containersConf() throws IOException {
        String configHome =
                System.getenv().getOrDefault("XDG_CONFIG_HOME", System.getProperty("user.home") + "/.config");
        Path file = Path.of(configHome, "podstage", "containers.conf");
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, """
                    [engine]
                    runtime = "runc"
                    cgroup_manager = "cgroupfs"
                    events_logger = "file"

                    [containers]
                    default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
                    """);
        }
        return file;
    }
}
