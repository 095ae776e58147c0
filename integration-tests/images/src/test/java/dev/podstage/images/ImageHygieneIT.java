package dev.podstage.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.testkit.JsonLines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every stage image must be: non-root, labelled, fast to start, free of build tools, secrets and tests. */
class ImageHygieneIT {

    private static final Pattern SECRET = Pattern.compile(
            "-----BEGIN [A-Z ]*PRIVATE KEY-----|(?i)(api[_-]?key|password|secret)\\s*[=:]\\s*[\"']?[A-Za-z0-9/+_-]{12,}");

    @TempDir
    Path work;

    static Stream<String> stages() {
        return Arrays.stream(
                        System.getProperty("podstage.image-stages", "infer").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty());
    }

    @ParameterizedTest
    @MethodSource("stages")
    void runsAsNonRootWithLabelsAndTheClassArchive(String stage) throws Exception {
        JsonNode config = inspect(stage).path("Config");
        assertThat(config.path("User").asText()).isEqualTo("1001");
        JsonNode labels = config.path("Labels");
        assertThat(labels.path("org.opencontainers.image.version").asText())
                .isEqualTo(System.getProperty("podstage.version"));
        assertThat(labels.path("org.opencontainers.image.revision").asText()).matches("[0-9a-f]{40}|unknown");
        assertThat(labels.path("org.opencontainers.image.source").asText()).isNotBlank();
        List<String> entrypoint = new ArrayList<>();
        config.path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
        assertThat(entrypoint).first().isEqualTo("java");
        assertThat(entrypoint)
                .anyMatch(a -> a.startsWith("-XX:AOTCache=/deployments/")
                        || a.startsWith("-XX:SharedArchiveFile=/deployments/"))
                .contains("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                .contains("-XX:InitialRAMPercentage=50", "-XX:MaxRAMPercentage=70");
        for (JsonNode env : config.path("Env")) {
            assertThat(env.asText()).doesNotContainIgnoringCase("PASSWORD").doesNotContainIgnoringCase("API_KEY");
        }
    }

    /**
     * The archive only helps classes the JDK's own loaders define: with a fast-jar, Quarkus's class
     * loader defines the stage's classes and the archive passes them by (aot-jar is the fix).
     */
    @ParameterizedTest
    @MethodSource("stages")
    void theClassArchiveCoversTheStagesOwnClasses(String stage) {
        Podman.Result run = Podman.run(
                "run",
                "--rm",
                "--read-only",
                "-e",
                "JAVA_TOOL_OPTIONS=-Xlog:class+load=info",
                StageImage.reference(stage),
                "--version");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<String> ownClasses = run.stdout()
                .lines()
                .filter(l -> l.contains("class,load") && l.contains("] dev.podstage."))
                .toList();
        assertThat(ownClasses).as("the stage's classes loaded by --version").isNotEmpty();
        // A class the training run never touched (one that only --version needs) may load from its jar.
        long archived = ownClasses.stream()
                .filter(l -> l.contains("source: shared objects file"))
                .count();
        assertThat((double) archived / ownClasses.size())
                .as(
                        "share of the stage's classes from the archive: %s",
                        ownClasses.stream()
                                .filter(l -> !l.contains("shared objects file"))
                                .toList())
                .isGreaterThan(0.9);
    }

    /**
     * The heap follows the pod's memory limit: half of it at start, 70 % at most. The JVM's own
     * defaults gave a 768Mi pod a 12 MB heap (a young generation of 4 MB: hundreds of collections).
     */
    @ParameterizedTest
    @MethodSource("stages")
    void sizesItsHeapFromThePodsMemoryLimit(String stage) {
        Podman.Result run = Podman.run(
                "run",
                "--rm",
                "--read-only",
                "--memory",
                "768m",
                "-e",
                "JAVA_TOOL_OPTIONS=-Xlog:gc+init",
                StageImage.reference(stage),
                "--version");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("Memory: 768M");
        assertThat(run.stdout() + run.stderr())
                .as("the class archive maps under the limit")
                .doesNotContain("[error]");
        assertThat(megabytes(run.stdout(), "Heap Initial Capacity")).isEqualTo(384);
        assertThat(megabytes(run.stdout(), "Heap Max Capacity")).isBetween(530L, 538L); // 70 %, aligned down
    }

    /** A size the JVM's gc+init log gives as {@code <label>: 384M} (or in G), in MB. */
    private static long megabytes(String log, String label) {
        var matcher = Pattern.compile(Pattern.quote(label) + ": (\\d+)([MG])").matcher(log);
        assertThat(matcher.find()).as("%s in %s", label, log).isTrue();
        return Long.parseLong(matcher.group(1)) * (matcher.group(2).equals("G") ? 1024 : 1);
    }

    @ParameterizedTest
    @MethodSource("stages")
    void carriesNoBuildToolsNoTestClassesAndNoSecrets(String stage) throws Exception {
        Podman.Result tools = Podman.run(
                "run",
                "--rm",
                "--entrypoint",
                "sh",
                StageImage.reference(stage),
                "-c",
                "for t in javac jar jlink jdeps mvn gradle gcc cc make git; do command -v $t; done; ls /opt/java/bin");
        assertThat(tools.stdout())
                .as("build tools on PATH")
                .doesNotContain("javac", "jlink", "mvn", "gcc", "make", "git")
                .contains("java");

        Path deployments = copyDeployments(stage);
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(deployments)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".jar")) {
                    scanJar(file, problems);
                } else if (Files.size(file) < 1_000_000) {
                    scanText(file.toString(), Files.readString(file, StandardCharsets.ISO_8859_1), problems);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    private static void scanJar(Path jar, List<String> problems) throws IOException {
        if (jar.getFileName().toString().matches(".*-tests?\\.jar|.*(junit|assertj|testkit|llm-sim).*")) {
            problems.add("test jar " + jar.getFileName());
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream().forEach(entry -> {
                String name = entry.getName();
                if (name.startsWith("dev/podstage/") && name.matches(".*(Test|IT)(\\$.*)?\\.class")) {
                    problems.add("test class " + name + " in " + jar.getFileName());
                }
                if (name.endsWith(".properties") || name.endsWith(".yaml") || name.endsWith(".json")) {
                    try {
                        scanText(
                                jar.getFileName() + "!" + name,
                                new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.ISO_8859_1),
                                problems);
                    } catch (IOException e) {
                        problems.add("unreadable " + name + ": " + e);
                    }
                }
            });
        }
    }

    private static void scanText(String where, String text, List<String> problems) {
        var matcher = SECRET.matcher(text);
        if (matcher.find()) {
            problems.add("possible secret in " + where + ": "
                    + matcher.group().substring(0, Math.min(30, matcher.group().length())));
        }
    }

    private Path copyDeployments(String stage) {
        String name = "hygiene-" + stage + "-" + ProcessHandle.current().pid();
        Podman.run("rm", "-f", name);
        Podman.Result created = Podman.run("create", "--name", name, StageImage.reference(stage));
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        try {
            Podman.Result copied = Podman.run("cp", name + ":/deployments", work.toString());
            assertThat(copied.exitCode()).as(copied.stderr()).isZero();
        } finally {
            Podman.run("rm", "-f", name);
        }
        return work.resolve("deployments");
    }

    static JsonNode inspect(String stage) throws IOException {
        Podman.Result result = Podman.run("image", "inspect", StageImage.reference(stage));
        assertThat(result.exitCode())
                .as("image %s is built (images/build.sh): %s", stage, result.stderr())
                .isZero();
        return JsonLines.MAPPER.readTree(result.stdout()).get(0);
    }
}
