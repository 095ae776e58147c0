package dev.podstage.ingest;

import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.io.CanonicalJson;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.stage.InputRejectedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Turns {@code --input} values into the files to read, in a fixed order: inputs as given; inside a
 * directory, every file below it sorted by relative path (hidden files and files of unknown type
 * skipped, and said); URLs downloaded to a staging file first, so the job key covers their bytes.
 */
final class Sources {

    private static final Logger LOG = Logger.getLogger(Sources.class);

    /** The files to read, the directory files left out, and the staged downloads to delete afterwards. */
    record Resolved(List<SourceFile> files, List<String> skipped, List<Path> staged) {}

    private final IngestSettings settings;
    private final Path staging;
    private final HttpFetch fetch;

    Sources(IngestSettings settings, Path staging, HttpFetch fetch) {
        this.settings = settings;
        this.staging = staging;
        this.fetch = fetch;
    }

    static boolean isUrl(String input) {
        String lower = input.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    Resolved resolve() {
        List<SourceFile> files = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<Path> staged = new ArrayList<>();
        for (String input : settings.inputs()) {
            if (isUrl(input)) {
                SourceFile download = download(input);
                staged.add(download.path());
                files.add(download);
                continue;
            }
            Path path = DataUri.toPath("podstage.input", input);
            if (Files.isDirectory(path)) {
                listDirectory(path, files, skipped);
            } else if (Files.isRegularFile(path)) {
                files.add(new SourceFile(path, path.getFileName().toString(), false, fileFormat(input, path)));
            } else {
                throw new InputRejectedException("input " + DataUri.toUri(path) + " does not exist");
            }
        }
        if (!skipped.isEmpty()) {
            LOG.infof(
                    "skipped %d files of unknown type (known: .jsonl .ndjson .csv .tsv .txt .text .md .markdown .html"
                            + " .htm, or set --format): %s",
                    skipped.size(), abbreviate(skipped));
        }
        if (files.isEmpty()) {
            LOG.warn("no input file to read: the run writes one empty shard and an empty shard list");
        }
        return new Resolved(List.copyOf(files), List.copyOf(skipped), List.copyOf(staged));
    }

    private Format fileFormat(String input, Path path) {
        if (settings.format() != Format.AUTO) {
            return settings.format();
        }
        return Format.byName(path.getFileName().toString())
                .orElseThrow(() -> new ConfigProblem(
                        IngestConfig.PREFIX + ".format",
                        "auto",
                        "a --format (jsonl, csv, tsv, text, markdown, html) for " + input
                                + ", whose extension says nothing"));
    }

    private void listDirectory(Path dir, List<SourceFile> files, List<String> skipped) {
        Path base = dir.toAbsolutePath().normalize();
        String prefix = base.getFileName() == null ? "" : base.getFileName() + "/";
        List<Path> found;
        try (Stream<Path> walk = Files.walk(base)) {
            found = walk.filter(Files::isRegularFile)
                    .filter(p -> !hidden(base.relativize(p)))
                    .sorted(Comparator.comparing(p -> relativeName(base, p)))
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new InputRejectedException(
                    "cannot list input directory " + DataUri.toUri(base) + ": " + e.getMessage());
        }
        for (Path file : found) {
            String name = prefix + relativeName(base, file);
            Optional<Format> format = settings.format() != Format.AUTO
                    ? Optional.of(settings.format())
                    : Format.byName(file.getFileName().toString());
            if (format.isPresent()) {
                files.add(new SourceFile(file, name, false, format.get()));
            } else {
                skipped.add(name);
            }
        }
    }

    /** The same order on every machine: '/'-separated relative paths, compared as strings. */
    private static String relativeName(Path base, Path file) {
        return base.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private SourceFile download(String url) {
        Path target =
                staging.resolve(".download-" + CanonicalJson.sha256Hex(url).substring(0, 16));
        HttpFetch.Fetched fetched = fetch.fetch(url, target);
        Format format = settings.format() != Format.AUTO
                ? settings.format()
                : Format.byName(
                                URI.create(url).getPath() == null
                                        ? ""
                                        : URI.create(url).getPath())
                        .or(() -> Format.byContentType(fetched.contentType()))
                        .orElseThrow(() -> new ConfigProblem(
                                IngestConfig.PREFIX + ".format",
                                "auto",
                                "a --format (jsonl, csv, tsv, text, markdown, html) for " + SafeUrl.display(url)
                                        + ": neither its path nor"
                                        + " its Content-Type (" + fetched.contentType() + ") says"));
        LOG.infof("downloaded %s (%d bytes, %s)", SafeUrl.display(url), fetched.bytes(), format.configName());
        return new SourceFile(target, SafeUrl.display(url), true, format);
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names) : String.join(", ", names.subList(0, 5)) + ", …";
    }
}
