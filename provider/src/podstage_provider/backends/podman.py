"""``PODSTAGE_EXECUTION=podman``: the stage's image under podman, run the way the pod runs it."""

from __future__ import annotations

import os
from pathlib import Path

from podstage_provider.backends.base import Invocation, StageRunner, Workspace, make_writable_dir
from podstage_provider.stages import STAGES

#: The containers.conf scripts/podman-env.sh writes: podman on these machines needs runc with the
#: cgroupfs manager and explicit ulimits (crun fails on hybrid cgroups). Keep the two identical
#: (a test compares them).
CONTAINERS_CONF = """[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"

[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
"""

#: Exit codes of podman itself, not of the stage (podman-run(1)).
_PODMAN_CODES = {
    125: "podman failed",
    126: "the container command cannot be invoked",
    127: "the container command was not found",
}


def containers_conf(env: dict[str, str]) -> str:
    """The CONTAINERS_CONF path for podman: the caller's, else the file scripts/podman-env.sh keeps."""
    if env.get("CONTAINERS_CONF"):
        return env["CONTAINERS_CONF"]
    base = Path(env.get("XDG_CONFIG_HOME") or Path(env.get("HOME", str(Path.home()))) / ".config")
    path = base / "podstage" / "containers.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != CONTAINERS_CONF:
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(CONTAINERS_CONF, encoding="utf-8")
        tmp.replace(path)
    return str(path)


class PodmanRunner(StageRunner):
    """``podman run --rm --read-only --network host`` of the stage image, as the pod runs it.

    * the image's entrypoint and user (non-root) are kept; the arguments are the pod's;
    * the environment is the pod's, passed by name (``--env NAME``) so no value, secret or not,
      appears on a command line;
    * the XCom directory is mounted at /airflow/xcom and the termination-message file at
      /dev/termination-log, where the stage writes them in a pod;
    * the data directory is mounted read-write at the same absolute path, so every file URI is the
      same as on the local backend; inputs outside it are mounted read-only at their own paths;
    * the root filesystem is read-only; podman gives /tmp a tmpfs, like the pod's emptyDir;
    * the container gets the pod's memory limit, which the JVM sizes its heap from.
    """

    name = "podman"

    def describe(self, invocation: Invocation) -> str:
        return f"{invocation.stage} in {self.settings.image(invocation.stage)} under podman"

    def runner_failure(self, code: int) -> str | None:
        return _PODMAN_CODES.get(code)

    def mounts(self, invocation: Invocation) -> list[str]:
        data_dir = self.settings.data_dir
        make_writable_dir(data_dir)
        mounts = [f"{data_dir}:{data_dir}"]
        seen = {data_dir}
        for path in invocation.inputs:
            if "://" in path and not path.startswith("file://"):
                continue  # a URL: fetched by the stage over the (host) network
            local = os.path.abspath(path.removeprefix("file://"))
            if _under(local, data_dir):
                continue
            source = local  # the file (or directory) itself: never hide the image's /tmp behind a parent
            if source in seen or any(_under(source, s) for s in seen):
                continue
            seen.add(source)
            mounts.append(f"{source}:{source}:ro")
        for extra in self.settings.extra_mounts:
            source = extra.split(":", 1)[0]
            if source not in seen:
                seen.add(source)
                mounts.append(extra if ":" in extra else f"{extra}:{extra}:ro")
        return mounts

    def command(self, invocation: Invocation, workspace: Workspace) -> tuple[list[str], dict[str, str]]:
        host_env = dict(self.settings.host_env)
        host_env["CONTAINERS_CONF"] = containers_conf({**os.environ, **host_env})
        stage_env = {**invocation.env, **invocation.secret_env}
        cmd = [
            self.settings.podman,
            "run",
            "--rm",
            "--read-only",
            "--network",
            "host",
            "--pull",
            "never",
            "--stop-timeout",
            "30",
            "--memory",
            str(STAGES[invocation.stage].memory_limit_bytes()),
            "-v",
            f"{workspace.xcom_dir}:/airflow/xcom",
            "-v",
            f"{workspace.termination_log}:/dev/termination-log",
        ]
        for mount in self.mounts(invocation):
            cmd += ["-v", mount]
        for name in sorted(stage_env):
            cmd += ["--env", name]  # the value comes from podman's own environment, never the command line
        cmd += [*self.settings.podman_args, self.settings.image(invocation.stage), *invocation.arguments]
        env = {**host_env, **stage_env}
        return cmd, env


def _under(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")
