package dev.podstage.nativeimage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The arguments of GraalVM's {@code native-image} driver, translated into what the builder itself takes: JVM
 * options for the builder process ({@code -J...}), builder options ({@code -H:...}), the image class path, the
 * main class and the image name. The driver's own front end (svm-driver) is not published on Maven Central; this
 * covers the options Quarkus writes and the ones libraries put in their {@code native-image.properties}. An
 * option it does not know is refused by name, never passed on or dropped.
 */
final class DriverArguments {

    /** A {@code --exclude-config} pair: configuration files a library ships that the build must not read. */
    record ExcludedConfig(Pattern jar, Pattern resource) {

        boolean excludes(Path jarPath, String resource) {
            return jar.matcher(jarPath.toString()).find()
                    && this.resource.matcher(resource).matches();
        }
    }

    final List<String> builderJvmOptions = new ArrayList<>();
    final List<String> builderOptions = new ArrayList<>();
    final List<Path> classPath = new ArrayList<>();
    final List<ExcludedConfig> excludedConfigs = new ArrayList<>();
    String mainClass;
    String imageName;
    /** The folder of {@code -o dir/name}; null: the working directory. */
    Path imagePath;

    private boolean outputGiven;
    Path jar;

    /** Translates one source of arguments (the command line, or a library's properties as {@code origin}). */
    void add(List<String> arguments, String origin) throws IOException {
        List<String> positional = new ArrayList<>();
        Iterator<String> it = expandArgumentFiles(arguments).iterator();
        while (it.hasNext()) {
            String argument = it.next();
            if (argument.startsWith("-J")) {
                builderJvmOptions.add(argument.substring(2));
            } else if (argument.startsWith("-H:") || argument.startsWith("-R:")) {
                builderOptions.add(argument);
            } else if (argument.equals("-jar")) {
                jar = Path.of(next(it, argument, origin)).toAbsolutePath();
            } else if (argument.equals("-cp") || argument.equals("-classpath") || argument.equals("--class-path")) {
                for (String entry : next(it, argument, origin).split(":")) {
                    classPath.add(Path.of(entry).toAbsolutePath());
                }
            } else if (argument.equals("-o")) {
                Path output = Path.of(next(it, argument, origin));
                imageName = output.getFileName().toString();
                imagePath =
                        output.getParent() == null ? null : output.getParent().toAbsolutePath();
                outputGiven = true;
            } else if (argument.equals("--exclude-config")) {
                excludedConfigs.add(new ExcludedConfig(
                        Pattern.compile(next(it, argument, origin)), Pattern.compile(next(it, argument, origin))));
            } else if (argument.startsWith("-")) {
                builderOptions.addAll(translate(argument, origin));
            } else {
                positional.add(argument);
            }
        }
        // native-image [options] class [imagename] | native-image [options] -jar jarfile [imagename]
        if (!positional.isEmpty()) {
            if (jar == null && mainClass == null) {
                mainClass = positional.remove(0);
            }
            if (!positional.isEmpty()) {
                String name = positional.remove(0);
                if (!outputGiven) {
                    imageName = name;
                }
            }
            if (!positional.isEmpty()) {
                throw new IllegalArgumentException(
                        "native-image: unexpected arguments " + positional + " in " + origin);
            }
        }
    }

    /** The driver's API options that map onto one builder option each ({@code --name[=value]}). */
    private static List<String> translate(String argument, String origin) {
        int equals = argument.indexOf('=');
        String name = equals < 0 ? argument : argument.substring(0, equals);
        String value = equals < 0 ? null : argument.substring(equals + 1);
        return switch (name) {
            case "--features" -> List.of("-H:Features=" + required(name, value, origin));
            case "--initialize-at-build-time" -> List.of(classInitialization(value == null ? "" : value, "build_time"));
            case "--initialize-at-run-time" -> List.of(classInitialization(required(name, value, origin), "run_time"));
            case "--link-at-build-time" -> List.of("-H:LinkAtBuildTime=" + (value == null ? "" : value));
            case "--link-at-build-time-paths" -> List.of("-H:LinkAtBuildTimePaths=" + required(name, value, origin));
            case "--enable-url-protocols" -> List.of("-H:EnableURLProtocols=" + required(name, value, origin));
            case "--enable-monitoring" -> List.of("-H:EnableMonitoringFeatures=" + (value == null ? "all" : value));
            case "--enable-native-access" -> List.of("-H:EnableNativeAccess=" + required(name, value, origin));
            case "--no-fallback" -> List.of("-H:FallbackThreshold=0");
            case "--enable-http" -> List.of("-H:EnableURLProtocols=http");
            case "--enable-https" -> List.of("-H:EnableURLProtocols=https");
            case "--enable-all-security-services" -> List.of();
            case "--report-unsupported-elements-at-runtime" -> List.of("-H:+ReportUnsupportedElementsAtRuntime");
            case "--allow-incomplete-classpath" -> List.of();
            case "--install-exit-handlers" -> List.of("-H:+InstallExitHandlers");
            case "--static" -> List.of("-H:+StaticExecutable");
            case "--shared" -> List.of("-H:+SharedLibrary");
            case "--verbose" -> List.of("-H:+Verbose");
            case "--native-image-info" -> List.of("-H:+DumpTargetInfo");
            case "-g" -> List.of("-H:GenerateDebugInfo=1");
            case "-march" -> List.of("-H:March=" + required(name, value, origin));
            case "--add-exports", "--add-opens", "--add-reads" ->
                throw new IllegalArgumentException("native-image: " + argument + " (in " + origin
                        + ") must be given to the builder JVM as -J" + argument);
            default -> {
                if (name.startsWith("-O") && value == null) {
                    yield List.of("-H:Optimize=" + name.substring(2));
                }
                throw new IllegalArgumentException("native-image: the podstage launcher does not translate " + argument
                        + " (in " + origin + "); add it to build-tools/native/launcher (DriverArguments.translate)"
                        + " or build with a GraalVM or Mandrel distribution");
            }
        };
    }

    /** Each class or package of the list gets the policy ("a,b" → "a:run_time,b:run_time"). */
    private static String classInitialization(String classes, String policy) {
        return "-H:ClassInitialization="
                + String.join(
                        ",",
                        Arrays.stream(classes.split(",", -1))
                                .map(c -> c + ":" + policy)
                                .toList());
    }

    private static String required(String name, String value, String origin) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("native-image: " + name + " needs a value (in " + origin + ")");
        }
        return value;
    }

    private static String next(Iterator<String> it, String option, String origin) {
        if (!it.hasNext()) {
            throw new IllegalArgumentException("native-image: " + option + " needs an argument (in " + origin + ")");
        }
        return it.next();
    }

    /** {@code @file}: arguments separated by white space, quoted with ' or " to hold spaces (as java reads them). */
    private static List<String> expandArgumentFiles(List<String> arguments) throws IOException {
        List<String> expanded = new ArrayList<>();
        for (String argument : arguments) {
            if (argument.startsWith("@") && argument.length() > 1) {
                expanded.addAll(split(Files.readString(Path.of(argument.substring(1)))));
            } else {
                expanded.add(argument);
            }
        }
        return expanded;
    }

    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
