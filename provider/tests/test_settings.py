"""PODSTAGE_* settings: one switch for the backend, validated when the DAG is parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from podstage_provider.settings import Settings, SettingsError
from podstage_provider.version import __version__


def test_defaults_are_kubernetes_with_a_data_volume():
    s = Settings.from_env({"HOME": "/home/u"})
    assert s.execution == "kubernetes"
    assert s.data_dir == "/data"
    assert s.data_pvc == "podstage-data"
    assert s.image("embed") == "localhost/podstage/embed:0.1.0"


def test_local_backends_default_to_a_data_dir_in_the_cache():
    s = Settings.from_env({"PODSTAGE_EXECUTION": "LOCAL", "HOME": "/home/u"})
    assert s.execution == "local"
    assert s.data_dir == "/home/u/.cache/podstage/data"
    assert Settings.from_env({"PODSTAGE_EXECUTION": "podman", "XDG_CACHE_HOME": "/c"}).data_dir == "/c/podstage/data"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PODSTAGE_EXECUTION": "docker"}, "PODSTAGE_EXECUTION='docker' is not a backend"),
        ({"PODSTAGE_DATA_DIR": "relative/dir"}, "must be an absolute path"),
        ({"PODSTAGE_METRICS_ENABLED": "maybe"}, "PODSTAGE_METRICS_ENABLED='maybe' is not a boolean"),
        ({"PODSTAGE_PODMAN_MOUNTS": "rel:rel"}, "must be an absolute path"),
        ({"PODSTAGE_IMAGE_PULL_POLICY": "always"}, r"PODSTAGE_IMAGE_PULL_POLICY='always' \(allowed: IfNotPresent"),
        ({"PODSTAGE_STATSD_PORT": "81x5"}, "PODSTAGE_STATSD_PORT='81x5' is not a port"),
        ({"PODSTAGE_STATSD_PORT": "70000"}, "is not a port"),
        ({"PODSTAGE_JVM_FLAGS": "-Dx='unclosed"}, "PODSTAGE_JVM_FLAGS=.* is not a shell-quoted list of words"),
        ({"PODSTAGE_PODMAN_ARGS": '--label "a'}, "PODSTAGE_PODMAN_ARGS=.* is not a shell-quoted list"),
        ({"PODSTAGE_IMAGE_DIGESTS": "infer=sha256:abc"}, "PODSTAGE_IMAGE_DIGESTS entry 'infer=sha256:abc': want"),
        ({"PODSTAGE_IMAGE_DIGESTS": f"inference=sha256:{'a' * 64}"}, "entry 'inference=.*a stage \\(ingest, "),
        ({"PODSTAGE_IMAGE_DIGESTS": f"infer:sha256:{'a' * 64}"}, "PODSTAGE_IMAGE_DIGESTS entry 'infer:sha256"),
        ({"PODSTAGE_IMAGE_DIGESTS_FILE": "/no/such/file"}, "PODSTAGE_IMAGE_DIGESTS_FILE='/no/such/file' cannot"),
    ],
)
def test_bad_settings_fail_the_parse_naming_the_variable(env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_data_volume_claim_can_be_turned_off_and_pull_policy_set():
    assert Settings.from_env({"PODSTAGE_DATA_PVC": "none"}).data_pvc is None
    assert Settings.from_env({"PODSTAGE_DATA_PVC": ""}).data_pvc is None
    assert Settings.from_env({"PODSTAGE_DATA_PVC": "shared"}).data_pvc == "shared"
    assert Settings.from_env({"PODSTAGE_IMAGE_PULL_POLICY": "Always"}).image_pull_policy == "Always"


def test_services_are_forwarded_and_nothing_else():
    s = Settings.from_env(
        {
            "PODSTAGE_REDIS_URL": "redis://r:6379",
            "PODSTAGE_DB_URL": "postgresql://d:5432/p",
            "PODSTAGE_DB_PASSWORD": "never-forwarded-as-plain-env",
            "PODSTAGE_STATSD_HOST": "statsd",
            "UNRELATED": "x",
        }
    )
    assert s.services == {
        "PODSTAGE_REDIS_URL": "redis://r:6379",
        "PODSTAGE_DB_URL": "postgresql://d:5432/p",
        "PODSTAGE_STATSD_HOST": "statsd",
    }


def test_jar_locations(tmp_path: Path):
    s = Settings.from_env({"PODSTAGE_HOME": str(tmp_path), "PODSTAGE_EMBED_JAR": "/x/embed.jar"})
    assert s.jar("infer") == tmp_path / "operators/infer/target/quarkus-app/quarkus-run.jar"
    assert s.jar("embed") == Path("/x/embed.jar")


def test_the_image_flavour_picks_the_tag_and_the_native_executable(tmp_path: Path):
    assert Settings.from_env({}).image("infer") == f"localhost/podstage/infer:{__version__}"
    native = Settings.from_env({"PODSTAGE_IMAGE_FLAVOR": "native", "PODSTAGE_HOME": str(tmp_path)})
    assert native.image_flavor == "native"
    assert native.image("infer") == f"localhost/podstage/infer:{__version__}-native"
    assert native.executable("infer") == tmp_path / f"operators/infer/target/podstage-infer-{__version__}-runner"
    given = {"PODSTAGE_IMAGE_FLAVOR": "native", "PODSTAGE_IMAGE_TAG": "x", "PODSTAGE_EMBED_EXECUTABLE": "/bin/embed"}
    assert Settings.from_env(given).image("infer") == "localhost/podstage/infer:x"  # a tag given wins
    assert Settings.from_env(given).executable("embed") == Path("/bin/embed")
    with pytest.raises(SettingsError, match=r"PODSTAGE_IMAGE_FLAVOR='graal' \(allowed: jvm, native\)"):
        Settings.from_env({"PODSTAGE_IMAGE_FLAVOR": "graal"})


def test_the_checkout_is_found_from_an_editable_install():
    s = Settings.from_env({})
    assert s.home is not None
    assert (s.home / "operators").is_dir()


def test_java_from_java_home_and_jvm_flags():
    s = Settings.from_env({"JAVA_HOME": "/jdk", "PODSTAGE_JVM_FLAGS": "-Xmx256m -XX:+UseSerialGC"})
    assert s.java == "/jdk/bin/java"
    assert s.jvm_flags == ("-Xmx256m", "-XX:+UseSerialGC")


def test_samples_dir_next_to_the_dag_or_configured(tmp_path: Path):
    assert Settings.from_env({}).samples_dir_for(str(tmp_path / "dag.py")) == str(tmp_path / "data")
    assert Settings.from_env({"PODSTAGE_SAMPLES_DIR": "/data/samples"}).samples_dir_for("/x/dag.py") == "/data/samples"


DIGEST_A = "sha256:" + "a" * 64
DIGEST_B = "sha256:" + "b" * 64


def test_image_digests_from_the_file_and_the_variable_which_wins(tmp_path: Path):
    digests = tmp_path / "digests"
    digests.write_text(f"# pushed by scripts/cluster.sh push-images\ninfer {DIGEST_A}\n\nstore {DIGEST_A}\n")
    settings = Settings.from_env(
        {
            "PODSTAGE_IMAGE_REGISTRY": "127.0.0.1:5000/podstage",
            "PODSTAGE_IMAGE_DIGESTS_FILE": str(digests),
            "PODSTAGE_IMAGE_DIGESTS": f"store={DIGEST_B}, embed={DIGEST_B}",
        }
    )
    assert settings.image_digests == {"infer": DIGEST_A, "store": DIGEST_B, "embed": DIGEST_B}
    assert settings.image("infer") == f"127.0.0.1:5000/podstage/infer@{DIGEST_A}"
    assert settings.image("ingest") == "127.0.0.1:5000/podstage/ingest:" + settings.image_tag


def test_a_bad_line_in_the_digests_file_names_the_file_and_line(tmp_path: Path):
    digests = tmp_path / "digests"
    digests.write_text(f"infer {DIGEST_A}\ninfer {DIGEST_A} extra\n")
    with pytest.raises(SettingsError, match=f"PODSTAGE_IMAGE_DIGESTS_FILE {digests} line 2: want a stage"):
        Settings.from_env({"PODSTAGE_IMAGE_DIGESTS_FILE": str(digests)})
