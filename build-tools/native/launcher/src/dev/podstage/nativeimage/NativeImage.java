package dev.podstage.nativeimage;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code bin/native-image} of the toolchain build-tools/native/toolchain.sh assembles: GraalVM's builder from
 * Maven Central on Temurin, with the project's C stand-ins for GraalVM's helper libraries, linked dynamically
 * against the JDK's shared libraries and the project's libjvm shim. It does what a distribution's driver does
 * for a build (translate its arguments, start the builder JVM with the module layout and exports the builder
 * needs, read the libraries' META-INF/native-image), so that Quarkus can drive it through
 * {@code quarkus.native.graalvm-home}. {@code PODSTAGE_NATIVE_IMAGE_DRY_RUN=1} prints the builder command
 * instead of running it.
 */
public final class NativeImage {

    private final Path home;
    private final Properties toolchain;

    private NativeImage(Path home) throws IOException {
        this.home = home;
        this.toolchain = new Properties();
        try (InputStream in = Files.newInputStream(home.resolve("lib/svm/podstage/toolchain.properties"))) {
            toolchain.load(in);
        }
    }

    public static void main(String[] args) throws Exception {
        NativeImage launcher = new NativeImage(Path.of(System.getProperty("java.home")));
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-version"))) {
            launcher.printVersion();
            return;
        }
        BuilderCommand command;
        try {
            command = launcher.builderCommand(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if ("1".equals(System.getenv("PODSTAGE_NATIVE_IMAGE_DRY_RUN"))) {
            command.arguments().forEach(System.out::println);
            return;
        }
        ProcessBuilder builder = new ProcessBuilder(command.arguments()).inheritIO();
        // Graal 25.0.4 asks for its own JVMCI build; Temurin's stock JVMCI of the same feature release serves it.
        builder.environment().put("JVMCI_VERSION_CHECK", "ignore");
        int exit = builder.start().waitFor();
        if (exit == 0) {
            launcher.placeRuntimeLibraries(command.imageFolder());
        }
        System.exit(exit);
    }

    /**
     * The JDK libraries and the shim go beside the executable, where its run path looks first: the folder is
     * then all it needs, and Quarkus copies the shared objects of a build into target/ and its Jib images.
     */
    private void placeRuntimeLibraries(Path folder) throws IOException {
        try (Stream<Path> libraries = Files.list(home.resolve("lib/svm/podstage-runtime"))) {
            for (Path library :
                    libraries.filter(p -> p.toString().endsWith(".so")).toList()) {
                Files.copy(library, folder.resolve(library.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The three lines a GraalVM distribution prints, in the form Quarkus parses (GraalVM.Version). */
    private void printVersion() {
        String graal = toolchain.getProperty("graalvm.version");
        String vendor = vendorVersion();
        String jdk = Runtime.version().toString();
        System.out.println("native-image " + graal + " (podstage toolchain: GraalVM's builder on "
                + System.getProperty("java.vendor") + " " + jdk + ")");
        System.out.println("GraalVM Runtime Environment " + vendor + " (build " + jdk + ")");
        System.out.println("Substrate VM " + vendor + " (build " + jdk + ", serial gc)");
    }

    private String vendorVersion() {
        return toolchain.getProperty("graalvm.vendor-version");
    }

    /** The builder JVM's command line, and the folder the executable is written to. */
    record BuilderCommand(List<String> arguments, Path imageFolder) {}

    BuilderCommand builderCommand(List<String> args) throws IOException {
        DriverArguments arguments = new DriverArguments();
        arguments.add(args, "the command line");
        List<String> jvmOptions = new ArrayList<>();
        if (arguments.jar != null) {
            readManifest(arguments, jvmOptions);
        }
        MetaInfConfig.apply(arguments);
        if (arguments.mainClass == null
                && arguments.builderOptions.stream().noneMatch(o -> o.equals("-H:+SharedLibrary"))) {
            throw new IllegalArgumentException(
                    "native-image: no main class (give -jar with a Main-Class, or a class name)");
        }
        List<Path> builderJars = jars(home.resolve("lib/svm/builder"));
        String builderModules = moduleNames(builderJars);

        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/java").toString());
        command.addAll(List.of(
                "-XX:+UnlockExperimentalVMOptions",
                "-XX:+EnableJVMCI",
                "-XX:-UseJVMCICompiler",
                "-Xss10m",
                "-XX:+UseParallelGC",
                "-Xshare:off",
                "-Dorg.graalvm.version=" + toolchain.getProperty("graalvm.version"),
                "-Dorg.graalvm.vendorversion=" + vendorVersion(),
                "-Dcom.oracle.graalvm.isaot=true",
                "-Dorg.graalvm.nativeimage.imagecode=buildtime",
                "-Djdk.internal.lambda.disableEagerInitialization=true",
                "-Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader",
                "--enable-native-access=ALL-UNNAMED," + builderModules));
        command.addAll(exportsToBuilder(builderModules, builderJars));
        command.addAll(jvmOptions);
        command.addAll(arguments.builderJvmOptions);
        command.addAll(List.of(
                "--upgrade-module-path",
                home.resolve("lib/jvmci/graal.jar").toString(),
                "--module-path",
                builderJars.stream().map(Path::toString).collect(Collectors.joining(":")),
                "--add-modules",
                "ALL-DEFAULT",
                "--module",
                "org.graalvm.nativeimage.builder/com.oracle.svm.hosted.NativeImageGeneratorRunner"));

        command.add("-imagecp");
        command.add(arguments.classPath.stream().map(Path::toString).collect(Collectors.joining(":")));
        command.add("-H:ImageBuildID=" + UUID.randomUUID());
        command.add("-H:CLibraryPath=" + home.resolve("lib/svm/clibraries/linux-amd64"));
        Path imageFolder =
                arguments.imagePath != null ? arguments.imagePath : Path.of("").toAbsolutePath();
        command.add("-H:Path=" + imageFolder);
        if (arguments.mainClass != null) {
            command.add("-H:Class=" + arguments.mainClass);
        }
        command.add("-H:Name=" + imageName(arguments));
        command.addAll(linkAgainstSharedJdkLibraries());
        command.addAll(arguments.builderOptions);
        return new BuilderCommand(command, imageFolder);
    }

    /**
     * The JDK's native code comes from its shared libraries (the toolchain's lib/static archives only say they
     * are there), with the project's libjvm shim in place of HotSpot's. An executable finds them beside itself
     * (the launcher puts them there, and the images carry them so) or where this toolchain keeps them.
     */
    private List<String> linkAgainstSharedJdkLibraries() {
        Path runtime = home.resolve("lib/svm/podstage-runtime");
        List<String> options = new ArrayList<>();
        // By path: -l<name> would find the lib<name>.a stand-in first, on the builder's own -L.
        options.add("-H:NativeLinkerOption=-Wl,--push-state,--as-needed");
        for (String library : toolchain.getProperty("runtime.libraries").split(",")) {
            options.add("-H:NativeLinkerOption=" + runtime.resolve("lib" + library + ".so"));
        }
        options.add("-H:NativeLinkerOption=-Wl,--pop-state");
        options.add("-H:NativeLinkerOption=-Wl,-rpath,$ORIGIN:" + runtime);
        return options;
    }

    private static String imageName(DriverArguments arguments) {
        if (arguments.imageName != null) {
            return arguments.imageName;
        }
        if (arguments.jar != null) {
            return arguments.jar.getFileName().toString().replaceFirst("\\.jar$", "");
        }
        return arguments
                .mainClass
                .substring(arguments.mainClass.lastIndexOf('.') + 1)
                .toLowerCase();
    }

    /** -jar: the jar, its manifest Class-Path, its Main-Class, and the Add-Opens/Add-Exports it asks for. */
    private static void readManifest(DriverArguments arguments, List<String> jvmOptions) throws IOException {
        arguments.classPath.add(0, arguments.jar);
        Manifest manifest;
        try (JarFile jar = new JarFile(arguments.jar.toFile())) {
            manifest = jar.getManifest();
        }
        if (manifest == null) {
            throw new IllegalArgumentException("native-image: " + arguments.jar + " has no manifest");
        }
        Attributes main = manifest.getMainAttributes();
        if (arguments.mainClass == null) {
            arguments.mainClass = main.getValue(Attributes.Name.MAIN_CLASS);
        }
        String classPath = main.getValue(Attributes.Name.CLASS_PATH);
        if (classPath != null) {
            for (String entry : classPath.trim().split("\\s+")) {
                arguments.classPath.add(arguments.jar.getParent().resolve(entry).normalize());
            }
        }
        for (String attribute : List.of("Add-Opens", "Add-Exports")) {
            String value = main.getValue(attribute);
            if (value != null) {
                for (String modulePackage : value.trim().split("\\s+")) {
                    jvmOptions.add("--" + attribute.toLowerCase() + "=" + modulePackage + "=ALL-UNNAMED");
                }
            }
        }
    }

    /**
     * The JDK modules the builder JVM resolves (--add-modules ALL-DEFAULT, as this JVM, plus what the builder
     * and the compiler require): exports to a module it does not resolve only draw warnings.
     */
    private static List<ModuleDescriptor> systemModulesOfTheBuilderJvm(List<Path> builderJars) {
        ModuleFinder system = ModuleFinder.ofSystem();
        Set<String> names = new TreeSet<>();
        ArrayDeque<String> pending = new ArrayDeque<>();
        ModuleLayer.boot().modules().forEach(m -> pending.add(m.getName()));
        ModuleFinder.of(builderJars.toArray(Path[]::new))
                .findAll()
                .forEach(r -> r.descriptor().requires().forEach(q -> pending.add(q.name())));
        pending.add("jdk.internal.vm.ci");
        List<ModuleDescriptor> found = new ArrayList<>();
        while (!pending.isEmpty()) {
            String name = pending.poll();
            if (names.add(name)) {
                system.find(name).ifPresent(reference -> {
                    found.add(reference.descriptor());
                    reference.descriptor().requires().forEach(q -> pending.add(q.name()));
                });
            }
        }
        return found;
    }

    private static List<Path> jars(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static String moduleNames(List<Path> jars) {
        return ModuleFinder.of(jars.toArray(Path[]::new)).findAll().stream()
                .map(reference -> reference.descriptor().name())
                .sorted()
                .collect(Collectors.joining(","));
    }

    /**
     * The builder reaches into the JDK's internals: every package the JDK's modules do not export is exported
     * to it (a distribution's driver passes a fixed list of the same kind).
     */
    private static List<String> exportsToBuilder(String builderModules, List<Path> builderJars) {
        TreeSet<String> exports = new TreeSet<>();
        for (ModuleDescriptor descriptor : systemModulesOfTheBuilderJvm(builderJars)) {
            Set<String> exported = descriptor.exports().stream()
                    .filter(e -> !e.isQualified())
                    .map(ModuleDescriptor.Exports::source)
                    .collect(Collectors.toSet());
            for (String pkg : descriptor.packages()) {
                if (!exported.contains(pkg)) {
                    exports.add("--add-exports=" + descriptor.name() + "/" + pkg + "=ALL-UNNAMED," + builderModules);
                }
            }
        }
        return new ArrayList<>(exports);
    }
}
