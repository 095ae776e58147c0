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
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from podstage_provider.version import __version__

EXECUTION_ENV = "PODSTAGE_EXECUTION"
BACKENDS = ("kubernetes", "local", "podman")

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

#: The short-task JVM flags the stage images start with (scripts/stage-jvm.sh): C1 only, serial GC.
DEFAULT_JVM_FLAGS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


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


@dataclass(frozen=True)
class Settings:
    """Everything the operators read from the deployment, resolved once per parse."""

    execution: str = "kubernetes"
    image_registry: str = "localhost/podstage"
    image_tag: str = __version__
    image_pull_policy: str = "IfNotPresent"
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
    podman: str = "podman"
    podman_args: tuple[str, ...] = ()
    extra_mounts: tuple[str, ...] = ()
    host_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        execution = (env.get(EXECUTION_ENV) or "kubernetes").strip().lower()
        if execution not in BACKENDS:
            raise SettingsError(
                f"{EXECUTION_ENV}={env.get(EXECUTION_ENV)!r} is not a backend (allowed: {', '.join(BACKENDS)})"
            )
        data_dir = env.get("PODSTAGE_DATA_DIR") or _default_data_dir(env, execution)
        if not os.path.isabs(data_dir):
            raise SettingsError(f"PODSTAGE_DATA_DIR={data_dir!r} must be an absolute path")
        home_raw = env.get("PODSTAGE_HOME")
        home = Path(home_raw) if home_raw else _repo_root()
        java = env.get("PODSTAGE_JAVA") or (
            str(Path(env["JAVA_HOME"]) / "bin" / "java") if env.get("JAVA_HOME") else "java"
        )
        jars = {
            stage: env[f"PODSTAGE_{stage.upper()}_JAR"]
            for stage in ("ingest", "preprocess", "embed", "infer", "store", "evaluate")
            if env.get(f"PODSTAGE_{stage.upper()}_JAR")
        }
        mounts = tuple(m for m in (env.get("PODSTAGE_PODMAN_MOUNTS") or "").split(",") if m.strip())
        for mount in mounts:
            if not os.path.isabs(mount.split(":", 1)[0]):
                raise SettingsError(f"PODSTAGE_PODMAN_MOUNTS entry {mount!r} must be an absolute path")
        services = {name: env[name] for name in SERVICE_ENV if env.get(name)}
        _bool(env, "PODSTAGE_METRICS_ENABLED", True)  # validate early: a typo fails the parse, not the pod
        _bool(env, "PODSTAGE_CACHE_ENABLED", True)
        if "PODSTAGE_STATSD_HOST" not in services:
            services.update(_airflow_statsd())
        return cls(
            execution=execution,
            image_registry=(env.get("PODSTAGE_IMAGE_REGISTRY") or "localhost/podstage").rstrip("/"),
            image_tag=env.get("PODSTAGE_IMAGE_TAG") or __version__,
            image_pull_policy=env.get("PODSTAGE_IMAGE_PULL_POLICY") or "IfNotPresent",
            namespace=env.get("PODSTAGE_NAMESPACE") or None,
            data_dir=data_dir.rstrip("/") or "/",
            data_pvc=None
            if env.get("PODSTAGE_DATA_PVC", "podstage-data") in ("", "none")
            else env.get("PODSTAGE_DATA_PVC", "podstage-data"),
            pod_template_file=env.get("PODSTAGE_POD_TEMPLATE_FILE") or None,
            samples_dir=env.get("PODSTAGE_SAMPLES_DIR") or None,
            summary_dir=env.get("PODSTAGE_SUMMARY_DIR") or None,
            service_account=env.get("PODSTAGE_SERVICE_ACCOUNT") or None,
            db_secret=env.get("PODSTAGE_DB_SECRET") or "podstage-db",
            db_secret_key=env.get("PODSTAGE_DB_SECRET_KEY") or "password",
            services=services,
            home=home,
            java=java,
            jvm_flags=tuple(shlex.split(env.get("PODSTAGE_JVM_FLAGS", DEFAULT_JVM_FLAGS))),
            jars=jars,
            podman=env.get("PODSTAGE_PODMAN") or "podman",
            podman_args=tuple(shlex.split(env.get("PODSTAGE_PODMAN_ARGS", ""))),
            extra_mounts=mounts,
            host_env={k: env[k] for k in _HOST_ENV if env.get(k)},
        )

    def image(self, stage: str) -> str:
        return f"{self.image_registry}/{stage}:{self.image_tag}"

    def jar(self, stage: str) -> Path:
        """The packaged stage for the local backend: PODSTAGE_<STAGE>_JAR, else the checkout's build output."""
        if stage in self.jars:
            return Path(self.jars[stage])
        if self.home is None:
            raise SettingsError(
                f"cannot find the {stage} jar: set PODSTAGE_HOME to the Podstage checkout "
                f"or PODSTAGE_{stage.upper()}_JAR to the jar"
            )
        return self.home / "operators" / stage / "target" / "quarkus-app" / "quarkus-run.jar"

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
        from airflow.configuration import conf
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
