package dev.podstage.nativeimage;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What the libraries on the image class path ask of the build in {@code META-INF/native-image/}, as the driver
 * reads it: {@code native-image.properties} (Args for the build, JavaArgs for the builder JVM) and the
 * configuration files (reflection, JNI, resources, proxies, serialization, reachability metadata), which the
 * builder reads only when it is told where they are. {@code --exclude-config} removes files by jar and path.
 */
final class MetaInfConfig {

    private static final String ROOT = "META-INF/native-image/";

    /** Configuration file name → the builder option that takes it as a class path resource. */
    private static final Map<String, String> CONFIG_OPTIONS = Map.of(
            "reflect-config.json", "-H:ReflectionConfigurationResources=",
            "jni-config.json", "-H:JNIConfigurationResources=",
            "resource-config.json", "-H:ResourceConfigurationResources=",
            "proxy-config.json", "-H:DynamicProxyConfigurationResources=",
            "serialization-config.json", "-H:SerializationConfigurationResources=",
            "predefined-classes-config.json", "-H:PredefinedClassesConfigurationResources=",
            "reachability-metadata.json", "-H:ReachabilityMetadataResources=");

    private MetaInfConfig() {}

    /** Adds what every class path entry's META-INF/native-image asks for to {@code arguments}. */
    static void apply(DriverArguments arguments) throws IOException {
        for (Path entry : List.copyOf(arguments.classPath)) {
            for (Resource resource : resources(entry)) {
                boolean excluded = arguments.excludedConfigs.stream()
                        .anyMatch(exclusion -> exclusion.excludes(entry, "/" + resource.name()));
                if (excluded) {
                    continue;
                }
                String file = resource.name().substring(resource.name().lastIndexOf('/') + 1);
                if (file.equals("native-image.properties")) {
                    applyProperties(arguments, entry, resource);
                } else if (CONFIG_OPTIONS.containsKey(file)) {
                    arguments.builderOptions.add(CONFIG_OPTIONS.get(file) + resource.name());
                }
            }
        }
    }

    private static void applyProperties(DriverArguments arguments, Path entry, Resource resource) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(resource.text()));
        String folder = resource.name().substring(0, resource.name().lastIndexOf('/'));
        String origin = entry.getFileName() + "!/" + resource.name();
        String args = properties.getProperty("Args");
        if (args != null) {
            arguments.add(DriverArguments.split(args.replace("${.}", folder)), origin);
        }
        String javaArgs = properties.getProperty("JavaArgs");
        if (javaArgs != null) {
            arguments.builderJvmOptions.addAll(DriverArguments.split(javaArgs));
        }
        String imageName = properties.getProperty("ImageName");
        if (imageName != null && arguments.imageName == null) {
            arguments.imageName = imageName;
        }
    }

    record Resource(String name, String text) {}

    private static List<Resource> resources(Path entry) throws IOException {
        List<Resource> found = new ArrayList<>();
        if (Files.isDirectory(entry)) {
            Path root = entry.resolve(ROOT);
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        found.add(new Resource(entry.relativize(file).toString(), Files.readString(file)));
                    }
                }
            }
        } else if (Files.isRegularFile(entry)) {
            try (JarFile jar = new JarFile(entry.toFile())) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    JarEntry jarEntry = entries.nextElement();
                    if (!jarEntry.isDirectory() && jarEntry.getName().startsWith(ROOT)) {
                        try (InputStream in = jar.getInputStream(jarEntry)) {
                            found.add(new Resource(jarEntry.getName(), new String(in.readAllBytes())));
                        }
                    }
                }
            }
        }
        return found;
    }
}
