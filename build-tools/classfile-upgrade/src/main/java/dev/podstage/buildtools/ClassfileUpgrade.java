package dev.podstage.buildtools;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Copies the jar that holds a given class into a directory, class files rewritten to version 52
 * (Java 8) with stack map frames computed, everything else (notices, services) as is, the manifest left to the jar that packages them.
 * <p>
 * Why: the JDK's AOT cache and AppCDS cannot keep classes older than version 50 once they have
 * been linked (they need the old verifier), so a library compiled for Java 5 — picocli is — is
 * parsed and verified from its jar at every start of every stage. The bytecode itself is
 * unchanged; only the version and the frames the new verifier needs are added.
 * <p>
 * Usage: {@code ClassfileUpgrade CLASS_IN_THE_JAR OUTPUT_DIR}. The jar must be on the class path
 * (the frames' common super classes are looked up through it); a rerun over an output directory that
 * is itself on the class path finds the jar all the same.
 */
public final class ClassfileUpgrade {

    private static final int TARGET = Opcodes.V1_8;

    private ClassfileUpgrade() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ClassfileUpgrade CLASS_IN_THE_JAR OUTPUT_DIR");
        }
        Path jar = jarOf(args[0], ClassfileUpgrade.class.getClassLoader());
        int upgraded = upgrade(jar, Path.of(args[1]));
        System.out.println(
                "classfile-upgrade: " + upgraded + " classes of " + jar.getFileName() + " now version " + TARGET);
    }

    /** The jar that holds {@code className} (the output directory may hold a copy of it already: it is skipped). */
    static Path jarOf(String className, ClassLoader loader) throws IOException, URISyntaxException {
        String resource = className.replace('.', '/') + ".class";
        Enumeration<URL> found = loader.getResources(resource);
        while (found.hasMoreElements()) {
            URL url = found.nextElement();
            if (url.getProtocol().equals("jar")) {
                String file = url.getPath().substring(0, url.getPath().indexOf("!/"));
                return Path.of(new URI(file));
            }
        }
        throw new IllegalArgumentException("no jar on the class path holds " + resource);
    }

    /** Writes the jar's entries under {@code out}; returns how many classes were rewritten. */
    static int upgrade(Path jar, Path out) throws IOException {
        int upgraded = 0;
        try (JarFile in = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory() || entry.getName().equals(JarFile.MANIFEST_NAME)) {
                    continue; // the packaging jar writes its own manifest
                }
                Path target = out.resolve(entry.getName()).normalize();
                if (!target.startsWith(out.normalize())) {
                    throw new IOException("entry outside the output directory: " + entry.getName());
                }
                byte[] bytes;
                try (InputStream content = in.getInputStream(entry)) {
                    bytes = content.readAllBytes();
                }
                if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
                    bytes = upgrade(bytes);
                    upgraded++;
                }
                Files.createDirectories(target.getParent());
                Files.write(target, bytes);
            }
        }
        return upgraded;
    }

    /** One class at version 52 or its own, whichever is newer, frames recomputed when it was older. */
    static byte[] upgrade(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        int major = reader.readUnsignedShort(6);
        if (major >= 50) {
            return classFile; // already has what the new verifier needs
        }
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        reader.accept(
                new ClassVisitor(Opcodes.ASM9, writer) {
                    @Override
                    public void visit(
                            int version,
                            int access,
                            String name,
                            String signature,
                            String superName,
                            String[] interfaces) {
                        super.visit(TARGET, access, name, signature, superName, interfaces);
                    }
                },
                ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }
}
