package dev.podstage.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model's copy in the work directory when the model is not in a jar: a native executable's resource. */
class ModelFilesTest {

    @TempDir
    Path workDir;

    @Test
    void aResourceWithoutAChecksumIsUnpackedOnceAndKeptWhileItsBytesAreTheSame() throws IOException {
        Path model = ModelFiles.model(resource("0123456789"), workDir);
        FileTime unpacked = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(model, unpacked);

        assertThat(ModelFiles.model(resource("0123456789"), workDir)).isEqualTo(model);

        assertThat(Files.readString(model)).isEqualTo("0123456789");
        assertThat(Files.getLastModifiedTime(model)).as("not written again").isEqualTo(unpacked);
    }

    @Test
    void aCopyWhoseBytesDifferIsReplacedEvenAtTheSameSize() throws IOException {
        Path model = ModelFiles.model(resource("0123456789"), workDir);

        assertThat(ModelFiles.model(resource("0123456780"), workDir)).isEqualTo(model);

        assertThat(Files.readString(model)).isEqualTo("0123456780");
        try (Stream<Path> files = Files.list(model.getParent())) {
            assertThat(files).as("no temporary file left").hasSize(1);
        }
    }

    @Test
    void aTruncatedCopyIsReplaced() throws IOException {
        Path model = ModelFiles.model(resource("0123456789"), workDir);
        Files.writeString(model, "01234");

        ModelFiles.model(resource("0123456789"), workDir);

        assertThat(Files.readString(model)).isEqualTo("0123456789");
    }

    /** A URL served from memory, as a native executable serves its resources (no jar, no file). */
    private static URL resource(String content) throws MalformedURLException {
        byte[] bytes = content.getBytes();
        URLStreamHandler handler = new URLStreamHandler() {
            @Override
            protected URLConnection openConnection(URL u) {
                return new URLConnection(u) {
                    @Override
                    public void connect() {}

                    @Override
                    public long getContentLengthLong() {
                        return bytes.length;
                    }

                    @Override
                    public InputStream getInputStream() {
                        return new ByteArrayInputStream(bytes);
                    }
                };
            }
        };
        return new URL(null, "memory:/" + ModelFiles.MODEL, handler);
    }
}
