package dev.podstage.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a packaged stage exactly as a pod would: its own JVM, arguments, a clean environment
 * (only what the test sets, plus PATH/HOME/JAVA_HOME) and an XCom path of the test's choosing.
 * Output goes to files so a long run never blocks on a full pipe.
 */
public final class StageProcess {

    private final List<String> launch;
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private final Path workDir;

    private StageProcess(List<String> launch, Path workDir) {
        this.launch = launch;
        this.workDir = workDir;
        for (String inherited : new String[] {"PATH", "HOME", "JAVA_HOME", "LANG", "TMPDIR"}) {
            String value = System.getenv(inherited);
            if (value != null) {
                env.put(inherited, value);
            }
        }
        env.put("PODSTAGE_XCOM_PATH", workDir.resolve("xcom/return.json").toString());
        env.put(
                "PODSTAGE_TERMINATION_LOG_PATH",
                workDir.resolve("termination-log").toString());
        env.put("PODSTAGE_METRICS_ENABLED", "false");
        env.put("PODSTAGE_PROGRESS_INTERVAL", "0s");
    }

    /**
     * The stage named by the {@code podstage.stage.executable} system property, a native executable, when it is
     * set; else the jar named by {@code podstage.stage.jar}, on this JVM (both set by failsafe).
     */
    public static StageProcess of(Path workDir) {
        String executable = System.getProperty("podstage.stage.executable", "");
        if (!executable.isBlank()) {
            if (!Files.isExecutable(Path.of(executable))) {
                throw new IllegalStateException("podstage.stage.executable is not an executable: " + executable);
            }
            return new StageProcess(List.of(executable), workDir);
        }
        String jar = System.getProperty("podstage.stage.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("podstage.stage.jar does not point at a packaged stage: " + jar
                    + " (run through Maven: mvn verify)");
        }
        return new StageProcess(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar), workDir);
    }

    public StageProcess args(String... more) {
        args.addAll(List.of(more));
        return this;
    }

    public StageProcess env(String key, String value) {
        if (value == null) {
            env.remove(key);
        } else {
            env.put(key, value);
        }
        return this;
    }

    public StageProcess withLedger() {
        env("PODSTAGE_DB_URL", Services.dbUrl());
        env("PODSTAGE_DB_USER", Services.dbUser());
        env("PODSTAGE_DB_PASSWORD", Services.dbPassword());
        return this;
    }

    public Path xcomPath() {
        return Path.of(env.get("PODSTAGE_XCOM_PATH"));
    }

    public Path terminationLog() {
        return Path.of(env.get("PODSTAGE_TERMINATION_LOG_PATH"));
    }

    public Running start() {
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(xcomPath().getParent());
            Files.deleteIfExists(xcomPath());
            Files.writeString(terminationLog(), "");
            Path stdout = Files.createTempFile(workDir, "stdout", ".log");
            Path stderr = Files.createTempFile(workDir, "stderr", ".log");
            List<String> command = new ArrayList<>(launch);
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            return new Running(builder.start(), stdout, stderr, this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the stage", e);
        }
    }

    public Result run() {
        return start().await(Duration.ofMinutes(3));
    }

    /** A started stage process. */
    public static final class Running {
        private final Process process;
        private final Path stdout;
        private final Path stderr;
        private final StageProcess spec;

        Running(Process process, Path stdout, Path stderr, StageProcess spec) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
            this.spec = spec;
        }

        /** SIGTERM, as Kubernetes sends on eviction or an Airflow task timeout. */
        public void terminate() {
            process.destroy();
        }

        /** SIGKILL, as the kernel's OOM killer or a node failure ends a pod: nothing in the stage runs after it. */
        public void kill() {
            process.destroyForcibly();
        }

        public boolean alive() {
            return process.isAlive();
        }

        /** What the stage has logged so far (stdout, then stderr), while it runs. */
        public String logsSoFar() {
            return read(stdout) + read(stderr);
        }

        public Result await(Duration limit) {
            try {
                if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("stage did not finish within " + limit + "\n" + read(stderr));
                }
                return new Result(
                        process.exitValue(), read(stdout), read(stderr), spec.xcomPath(), spec.terminationLog());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<unreadable: " + e + ">";
            }
        }
    }

    /** How a stage run ended: exit code, its logs, and its XCom (when written). */
    public record Result(int exitCode, String stdout, String stderr, Path xcomPath, Path terminationLog) {

        public String logs() {
            return stdout + stderr;
        }

        /**
         * The XCom value the stage wrote, checked against its contract ({@link XComContract}:
         * {@code docs/schemas/<stage>.xcom.json}); an AssertionError names each violation.
         */
        public com.fasterxml.jackson.databind.JsonNode xcom() {
            com.fasterxml.jackson.databind.JsonNode value;
            try {
                value = JsonLines.MAPPER.readTree(xcomPath.toFile());
            } catch (IOException e) {
                throw new AssertionError("no readable XCom at " + xcomPath + "; logs:\n" + logs(), e);
            }
            if (value == null || value.isMissingNode()) {
                throw new AssertionError("empty XCom at " + xcomPath + "; logs:\n" + logs());
            }
            XComContract.check(value, xcomPath);
            return value;
        }

        public String terminationMessage() {
            try {
                return Files.readString(terminationLog);
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- logs ---\n" + logs();
        }
    }
}
