"""Deployment settings, read from the environment when a DAG file is parsed.

One setting picks the execution backend, ``PODSTAGE_EXECUTION``:

``kubernetes`` (default)
    every stage runs as a pod (KubernetesPodOperator).
``local``
    every stage runs as a local process (``java -jar`` of the stage's packaged jar).
``podman``
    every stage runs in its image under podman (``podman run --rm --read-only``).

The DAG files never name a backend: the same file runs on every one of them. The other settings say
where things are on the chosen backend (image registry, data directory, services); each has a
default that works out of the box on a developer machine and is overridden by the deployment
(Helm values, ``airflow-config/airflow.env``) on a cluster.

Every setting is read again on each parse (``Settings.from_env()``), so a test or a worker process
sees the environment it runs with; nothing is cached at import time.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from podstage_provider.stages import STAGES
from podstage_provider.version import __version__

EXECUTION_ENV = "PODSTAGE_EXECUTION"
BACKENDS = ("kubernetes", "local", "podman")
PULL_POLICIES = ("IfNotPresent", "Always", "Never")
#: The two builds of every stage (docs/native.md): the JVM (aot-jar with a class archive, the default) and
#: the native executable. The flavour picks the image tag (``<version>`` or ``<version>-native``) and what the
#: local backend runs.
IMAGE_FLAVORS = ("jvm", "native")

#: Services every stage understands, forwarded to the stage's environment when set here.
SERVICE_ENV = (
    "PODSTAGE_REDIS_URL",
    "PODSTAGE_CACHE_ENABLED",
    "PODSTAGE_CACHE_TTL",
    "PODSTAGE_DB_URL",
    "PODSTAGE_DB_USER",
    "PODSTAGE_STATSD_HOST",
    "PODSTAGE_STATSD_PORT",
    "PODSTAGE_STATSD_FLAVOR",
    "PODSTAGE_METRICS_ENABLED",
    "PODSTAGE_PROGRESS_INTERVAL",
)

#: The short-task JVM flags the stage images start with (scripts/stage-jvm.sh): C1 only, serial GC,
#: the heap a share of the memory limit (the local backend adds the pod's limit as -XX:MaxRAM).
DEFAULT_JVM_FLAGS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:InitialRAMPercentage=50 -XX:MaxRAMPercentage=70"


class SettingsError(ValueError):
    """A setting has a value the provider cannot use; the message names the variable and what is allowed."""


def _repo_root() -> Path | None:
    """The Podstage checkout this package was installed from (editable install), if any."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "operators").is_dir() and (parent / "provider").is_dir():
            return parent
    return None


def _default_data_dir(env: Mapping[str, str], execution: str) -> str:
    if execution == "kubernetes":
        return "/data"
    cache = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME", str(Path.home()))) / ".cache")
    return str(Path(cache) / "podstage" / "data")


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={raw!r} is not a boolean (allowed: true/false, 1/0, yes/no, on/off)")


def _execution(env: Mapping[str, str]) -> str:
    execution = (env.get(EXECUTION_ENV) or "kubernetes").strip().lower()
    if execution not in BACKENDS:
        raise SettingsError(
            f"{EXECUTION_ENV}={env.get(EXECUTION_ENV)!r} is not a backend (allowed: {', '.join(BACKENDS)})"
        )
    return execution


def _one_of(env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = env.get(name) or default
    if value not in allowed:
        raise SettingsError(f"{name}={value!r} (allowed: {', '.join(allowed)})")
    return value


def _data_dir(env: Mapping[str, str], execution: str) -> str:
    data_dir = env.get("PODSTAGE_DATA_DIR") or _default_data_dir(env, execution)
    if not os.path.isabs(data_dir):
        raise SettingsError(f"PODSTAGE_DATA_DIR={data_dir!r} must be an absolute path")
    return data_dir.rstrip("/") or "/"


def _data_pvc(env: Mapping[str, str]) -> str | None:
    """The data volume's claim: ``podstage-data`` unless set; empty or ``none`` for no data volume."""
    claim = env.get("PODSTAGE_DATA_PVC", "podstage-data")
    return None if claim in ("", "none") else claim


def _words(env: Mapping[str, str], name: str, default: str) -> tuple[str, ...]:
    """A shell-quoted list of words (JVM flags, podman arguments)."""
    try:
        return tuple(shlex.split(env.get(name, default)))
    except ValueError as e:
        raise SettingsError(f"{name}={env.get(name)!r} is not a shell-quoted list of words: {e}") from e


def _java(env: Mapping[str, str]) -> str:
    """PODSTAGE_JAVA, else JAVA_HOME's java, else java from PATH."""
    if env.get("PODSTAGE_JAVA"):
        return env["PODSTAGE_JAVA"]
    return str(Path(env["JAVA_HOME"], "bin", "java")) if env.get("JAVA_HOME") else "java"


def _per_stage(env: Mapping[str, str], suffix: str) -> dict[str, str]:
    """PODSTAGE_<STAGE>_<SUFFIX> overrides of the checkout's build output (JAR, EXECUTABLE)."""
    return {
        stage: env[f"PODSTAGE_{stage.upper()}_{suffix}"]
        for stage in ("ingest", "preprocess", "embed", "infer", "store", "evaluate")
        if env.get(f"PODSTAGE_{stage.upper()}_{suffix}")
    }


_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def _image_digests(env: Mapping[str, str]) -> dict[str, str]:
    """Image digests by stage: ``PODSTAGE_IMAGE_DIGESTS_FILE``, a file of ``<stage> sha256:<hex>`` lines (as
    ``scripts/cluster.sh push-images`` writes it), then ``PODSTAGE_IMAGE_DIGESTS``, comma-separated
    ``<stage>=sha256:<hex>`` entries, which win stage by stage."""
    digests: dict[str, str] = {}
    path = env.get("PODSTAGE_IMAGE_DIGESTS_FILE")
    if path:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as e:
            raise SettingsError(f"PODSTAGE_IMAGE_DIGESTS_FILE={path!r} cannot be read: {e.strerror}") from e
        for number, line in enumerate(lines, 1):
            if line.strip() and not line.lstrip().startswith("#"):
                _add_digest(digests, line.split(), f"PODSTAGE_IMAGE_DIGESTS_FILE {path} line {number}")
    for entry in filter(None, (e.strip() for e in env.get("PODSTAGE_IMAGE_DIGESTS", "").split(","))):
        _add_digest(digests, entry.split("=", 1), f"PODSTAGE_IMAGE_DIGESTS entry {entry!r}")
    return digests


def _add_digest(digests: dict[str, str], parts: list[str], where: str) -> None:
    if len(parts) != 2 or parts[0] not in STAGES or not _DIGEST.fullmatch(parts[1]):
        raise SettingsError(
            f"{where}: want a stage ({', '.join(STAGES)}) and its digest sha256:<64 lower-case hex digits>"
        )
    digests[parts[0]] = parts[1]


def _podman_mounts(env: Mapping[str, str]) -> tuple[str, ...]:
    """PODSTAGE_PODMAN_MOUNTS: comma-separated ``/host/path[:/container/path[:options]]`` entries."""
    mounts = tuple(m.strip() for m in (env.get("PODSTAGE_PODMAN_MOUNTS") or "").split(",") if m.strip())
    for mount in mounts:
        if not os.path.isabs(mount.split(":", 1)[0]):
            raise SettingsError(f"PODSTAGE_PODMAN_MOUNTS entry {mount!r} must be an absolute path")
    return mounts


def _services(env: Mapping[str, str]) -> dict[str, str]:
    """The service settings the stages get, checked here so a typo fails the parse, not the pod; the StatsD
    Airflow's [metrics] feeds when none is set."""
    services = {name: env[name] for name in SERVICE_ENV if env.get(name)}
    _bool(env, "PODSTAGE_METRICS_ENABLED", True)
    _bool(env, "PODSTAGE_CACHE_ENABLED", True)
    port = services.get("PODSTAGE_STATSD_PORT")
    if port is not None and not (port.isdigit() and 0 < int(port) < 65536):
        raise SettingsError(f"PODSTAGE_STATSD_PORT={port!r} is not a port (allowed: 1-65535)")
    if "PODSTAGE_STATSD_HOST" not in services:
        services.update(_airflow_statsd())
    return services


@dataclass(frozen=True)
class Settings:
    """Everything the operators read from the deployment, resolved once per parse."""

    execution: str = "kubernetes"
    image_registry: str = "localhost/podstage"
    image_flavor: str = "jvm"
    image_tag: str = __version__
    image_pull_policy: str = "IfNotPresent"
    image_digests: dict[str, str] = field(default_factory=dict)
    namespace: str | None = None
    data_dir: str = "/data"
    data_pvc: str | None = "podstage-data"
    pod_template_file: str | None = None
    samples_dir: str | None = None
    summary_dir: str | None = None
    service_account: str | None = None
    db_secret: str = "podstage-db"  # noqa: S105 - the name of a Secret, not a secret
    db_secret_key: str = "password"  # noqa: S105 - a key inside that Secret
    services: dict[str, str] = field(default_factory=dict)
    # local / podman backends
    home: Path | None = None
    java: str = "java"
    jvm_flags: tuple[str, ...] = tuple(DEFAULT_JVM_FLAGS.split())
    jars: dict[str, str] = field(default_factory=dict)
    executables: dict[str, str] = field(default_factory=dict)
    podman: str = "podman"
    podman_args: tuple[str, ...] = ()
    extra_mounts: tuple[str, ...] = ()
    host_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Reads every setting; a value the provider cannot use is a :class:`SettingsError` naming the variable."""
        env = os.environ if env is None else env
        execution = _execution(env)
        home_raw = env.get("PODSTAGE_HOME")
        flavor = _one_of(env, "PODSTAGE_IMAGE_FLAVOR", IMAGE_FLAVORS, "jvm")
        return cls(
            execution=execution,
            image_registry=(env.get("PODSTAGE_IMAGE_REGISTRY") or "localhost/podstage").rstrip("/"),
            image_flavor=flavor,
            image_tag=env.get("PODSTAGE_IMAGE_TAG") or (__version__ if flavor == "jvm" else f"{__version__}-native"),
            image_pull_policy=_one_of(env, "PODSTAGE_IMAGE_PULL_POLICY", PULL_POLICIES, "IfNotPresent"),
            image_digests=_image_digests(env),
            namespace=env.get("PODSTAGE_NAMESPACE") or None,
            data_dir=_data_dir(env, execution),
            data_pvc=_data_pvc(env),
            pod_template_file=env.get("PODSTAGE_POD_TEMPLATE_FILE") or None,
            samples_dir=env.get("PODSTAGE_SAMPLES_DIR") or None,
            summary_dir=env.get("PODSTAGE_SUMMARY_DIR") or None,
            service_account=env.get("PODSTAGE_SERVICE_ACCOUNT") or None,
            db_secret=env.get("PODSTAGE_DB_SECRET") or "podstage-db",
            db_secret_key=env.get("PODSTAGE_DB_SECRET_KEY") or "password",
            services=_services(env),
            home=Path(home_raw) if home_raw else _repo_root(),
            java=env.get("PODSTAGE_JAVA")
            or (str(Path(env["JAVA_HOME"], "bin", "java")) if env.get("JAVA_HOME") else "java"),
            jvm_flags=_words(env, "PODSTAGE_JVM_FLAGS", DEFAULT_JVM_FLAGS),
            jars=_per_stage(env, "JAR"),
            executables=_per_stage(env, "EXECUTABLE"),
            podman=env.get("PODSTAGE_PODMAN") or "podman",
            podman_args=_words(env, "PODSTAGE_PODMAN_ARGS", ""),
            extra_mounts=_podman_mounts(env),
            host_env={k: env[k] for k in _HOST_ENV if env.get(k)},
        )

    def image(self, stage: str) -> str:
        """``<registry>/<stage>@<digest>`` when the deployment knows the digest, else ``<registry>/<stage>:<tag>``:
        a digest names exactly the image that was built and tested; a tag may move."""
        if stage in self.image_digests:
            return f"{self.image_registry}/{stage}@{self.image_digests[stage]}"
        return f"{self.image_registry}/{stage}:{self.image_tag}"

    def jar(self, stage: str) -> Path:
        """The packaged stage for the local backend: PODSTAGE_<STAGE>_JAR, else the checkout's build output."""
        return self._build_output(stage, self.jars, "JAR", "jar", Path("quarkus-app", "quarkus-run.jar"))

    def executable(self, stage: str) -> Path:
        """The native stage for the local backend: PODSTAGE_<STAGE>_EXECUTABLE, else where a native build of the
        checkout leaves it (images/build-native.sh puts the cached executable and its libraries there)."""
        return self._build_output(
            stage, self.executables, "EXECUTABLE", "native executable", Path(f"podstage-{stage}-{__version__}-runner")
        )

    def _build_output(self, stage: str, given: dict[str, str], suffix: str, what: str, in_target: Path) -> Path:
        if stage in given:
            return Path(given[stage])
        if self.home is None:
            raise SettingsError(
                f"cannot find the {stage} {what}: set PODSTAGE_HOME to the Podstage checkout "
                f"or PODSTAGE_{stage.upper()}_{suffix} to the {what}"
            )
        return self.home / "operators" / stage / "target" / in_target

    def samples_dir_for(self, dag_file: str) -> str:
        """Where the example DAGs' sample inputs are: PODSTAGE_SAMPLES_DIR (on a cluster: a path on the
        data volume), else the ``data/`` directory next to the DAG file."""
        return self.samples_dir or str(Path(dag_file).resolve().parent / "data")

    def data_path(self, *parts: str) -> str:
        """An absolute path under the data directory: identical on every backend of one deployment."""
        return str(Path(self.data_dir, *parts))


#: Host variables a local stage process inherits (a pod has its own; a process needs these to start).
_HOST_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "JAVA_HOME", "TMPDIR", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR")


def _airflow_statsd() -> dict[str, str]:
    """The StatsD that Airflow's own [metrics] section feeds, when it is on: the stages report to the same one."""
    try:
        from airflow.configuration import conf  # noqa: PLC0415 - read only when the stages' StatsD is not set
    except ImportError:  # pragma: no cover - the provider always runs inside Airflow
        return {}
    try:
        if not conf.getboolean("metrics", "statsd_on", fallback=False):
            return {}
        return {
            "PODSTAGE_STATSD_HOST": str(conf.get("metrics", "statsd_host", fallback="localhost")),
            "PODSTAGE_STATSD_PORT": str(conf.get("metrics", "statsd_port", fallback="8125")),
        }
    except Exception:  # a broken [metrics] section is Airflow's to report, not a reason to fail a DAG
        return {}


def current() -> Settings:
    """The settings of this parse."""
    return Settings.from_env()


def data_path(*parts: str) -> str:
    """Shortcut for DAG files: ``data_path("rag", "shards")`` under PODSTAGE_DATA_DIR."""
    return current().data_path(*parts)
