package dev.podstage.picocli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classes this module packages: the original picocli's, each at version 52, and they verify and work. */
class UpgradedPicocliTest {

    private static final Path UPGRADED = Path.of("target/classes");

    @Test
    void everyClassOfTheOriginalJarIsThereAtVersion52() throws Exception {
        Path original = originalJar();
        List<String> originalClasses;
        try (JarFile jar = new JarFile(original.toFile())) {
            originalClasses = jar.stream()
                    .map(e -> e.getName())
                    .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/"))
                    .toList();
            assertThat(majorVersion(jar.getInputStream(jar.getEntry("picocli/CommandLine.class"))))
                    .isLessThan(50);
        }
        assertThat(originalClasses).hasSizeGreaterThan(100);
        for (String name : originalClasses) {
            try (InputStream in = Files.newInputStream(UPGRADED.resolve(name))) {
                assertThat(majorVersion(in)).as(name).isEqualTo(52);
            }
        }
        assertThat(Files.readString(UPGRADED.resolve("META-INF/NOTICE-picocli.txt")))
                .contains("Apache License, Version 2.0");
        assertThat(UPGRADED.resolve("META-INF/MANIFEST.MF")).doesNotExist(); // the jar plugin writes ours
    }

    @Test
    void theUpgradedClassesLoadVerifiedAndParseACommandLine() throws Exception {
        // A loader that sees only the upgraded classes (parent: the platform loader), so the JVM
        // verifies them with the type-checking verifier; a wrong frame fails here with VerifyError.
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {UPGRADED.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> commandLine = Class.forName("picocli.CommandLine", true, loader);
            assertThat(commandLine.getClassLoader()).isSameAs(loader);
            for (String nested : List.of(
                    "picocli.CommandLine$Model$CommandSpec",
                    "picocli.CommandLine$Model$OptionSpec",
                    "picocli.CommandLine$ParseResult",
                    "picocli.CommandLine$Help",
                    "picocli.CommandLine$Interpreter")) {
                Class.forName(nested, true, loader);
            }
            Object spec = call(Class.forName("picocli.CommandLine$Model$CommandSpec", true, loader), null, "create");
            Class<?> optionSpec = Class.forName("picocli.CommandLine$Model$OptionSpec", true, loader);
            Object builder = call(
                    optionSpec, null, "builder", new Class<?>[] {String[].class}, (Object) new String[] {"--input"});
            call(builder.getClass(), builder, "type", new Class<?>[] {Class.class}, String.class);
            Object option = call(builder.getClass(), builder, "build");
            call(spec.getClass(), spec, "addOption", new Class<?>[] {optionSpec}, option);
            Object cli = commandLine.getConstructor(Object.class).newInstance(spec);
            Object parsed = call(commandLine, cli, "parseArgs", new Class<?>[] {String[].class}, (Object)
                    new String[] {"--input", "a.jsonl"});
            Object value = call(
                    parsed.getClass(),
                    parsed,
                    "matchedOptionValue",
                    new Class<?>[] {String.class, Object.class},
                    "--input",
                    null);
            assertThat(value).isEqualTo("a.jsonl");
        }
    }

    @Test
    void theJdksAotCacheKeepsTheUpgradedClassesAndSkipsTheOriginalOnes(@TempDir Path dir) throws Exception {
        // What this module is for; the AOT cache (JDK 25) is where the original classes are refused.
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs JDK 25 (this is " + Runtime.version() + ")");
        // The AOT cache takes jars only, no class directories.
        String tests =
                jar(Path.of("target/test-classes"), dir.resolve("training.jar")).toString();
        String original = originalJar().toAbsolutePath().toString();
        String upgraded = jar(UPGRADED, dir.resolve("upgraded.jar")).toString();

        String refused = "Old class has been linked";
        assertThat(train(dir.resolve("original.aot"), tests + File.pathSeparator + original))
                .contains(refused);
        assertThat(train(dir.resolve("upgraded.aot"), tests + File.pathSeparator + upgraded))
                .doesNotContain(refused);
        assertThat(dir.resolve("upgraded.aot")).isNotEmptyFile();
    }

    /** Runs the training main with {@code -XX:AOTCacheOutput}; returns what the JVM printed. */
    private static String train(Path cache, String classPath) throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(
                        javaBin.toString(),
                        "-XX:AOTCacheOutput=" + cache,
                        "-cp",
                        classPath,
                        ParsesOneOption.class.getName())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }

    private static Path jar(Path classes, Path jar) throws IOException {
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new java.util.jar.JarEntry(
                        classes.relativize(file).toString().replace(File.separatorChar, '/')));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
        }
        return jar.toAbsolutePath();
    }

    private static Path originalJar() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of)
                .filter(p -> p.getFileName().toString().matches("picocli-[0-9.]+\\.jar"))
                .findFirst()
                .orElseThrow();
    }

    /** Reflection across the isolated loader; public methods of picocli's package-private builders need setAccessible. */
    private static Object call(Class<?> type, Object target, String method, Class<?>[] types, Object... args)
            throws Exception {
        var m = type.getMethod(method, types);
        m.setAccessible(true);
        return m.invoke(target, args);
    }

    private static Object call(Class<?> type, Object target, String method) throws Exception {
        return call(type, target, method, new Class<?>[0]);
    }

    private static int majorVersion(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        assertThat(in.readInt()).isEqualTo(0xCAFEBABE);
        in.readUnsignedShort(); // minor
        return in.readUnsignedShort();
    }
}
