package dev.podstage.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stage image, run the way KubernetesPodOperator runs it: non-root (the image's user), a
 * read-only root filesystem, an emptyDir-like volume at /airflow/xcom, a data volume at /data,
 * the Airflow context as environment, host network so the test's services are reachable.
 */
final class StageImage {

    static final String XCOM = "/airflow/xcom";
    static final String DATA = "/data";

    private final String stage;
    private final Path work;
    private final Map<String, String> env = new LinkedHashMap<>();

    StageImage(String stage, Path work) {
        this.stage = stage;
        this.work = work;
        env.put("AIRFLOW_CTX_DAG_ID", "image_test");
        env.put("AIRFLOW_CTX_TASK_ID", stage);
        env.put("AIRFLOW_CTX_RUN_ID", "manual__image_test");
        env.put("AIRFLOW_CTX_TRY_NUMBER", "1");
        env.put("PODSTAGE_METRICS_ENABLED", "false");
        for (String dir : new String[] {"xcom", "data"}) {
            Path path = work.resolve(dir);
            try {
                Files.createDirectories(path);
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxrwxrwx")); // the pod's fsGroup
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The stage's image of the flavour under test ({@code podstage.image-flavor}: jvm, or native). */
    static String reference(String stage) {
        String tag = System.getProperty("podstage.version", "0.1.0");
        return "localhost/podstage/" + stage + ":" + (isNative() ? tag + "-native" : tag);
    }

    static boolean isNative() {
        return "native".equals(System.getProperty("podstage.image-flavor", "jvm"));
    }

    String reference() {
        return reference(stage);
    }

    StageImage env(String key, String value) {
        env.put(key, value);
        return this;
    }

    Path data() {
        return work.resolve("data");
    }

    Path xcomFile() {
        return work.resolve("xcom/return.json");
    }

    Podman.Result run(String... stageArgs) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--rm",
                "--read-only",
                "--network",
                "host",
                "-v",
                work.resolve("xcom") + ":" + XCOM,
                "-v",
                work.resolve("data") + ":" + DATA));
        env.forEach((k, v) -> {
            args.add("-e");
            args.add(k + "=" + v);
        });
        args.add(reference());
        args.addAll(List.of(stageArgs));
        return Podman.run(java.time.Duration.ofMinutes(3), args);
    }
}
