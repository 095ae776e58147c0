"""What the local backends share: running a stage process, streaming its log, reading its XCom."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import tempfile
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from podstage_provider import exit_codes
from podstage_provider.settings import Settings

#: How long a stopped stage gets to finish in-flight work and exit 75 before it is killed (like a pod's
#: terminationGracePeriodSeconds).
STOP_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class Invocation:
    """One stage run, as the pod would get it."""

    stage: str
    arguments: list[str]
    #: The pod's plain environment (AIRFLOW_CTX_*, services, options), already rendered.
    env: dict[str, str]
    #: What the pod would read from Kubernetes Secrets, resolved on the worker. Never logged.
    secret_env: dict[str, str] = field(default_factory=dict, repr=False)
    skip_on_exit_code: Collection[int] = ()
    #: Local paths the stage reads (for podman: mounted read-only when outside the data directory).
    inputs: tuple[str, ...] = ()
    #: Directories the stage writes into: created first, writable by the image's user too.
    write_dirs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Workspace:
    """Per-run scratch: the directory the stage's XCom lands in, and its termination-message file."""

    xcom_dir: Path
    termination_log: Path

    @property
    def xcom_file(self) -> Path:
        return self.xcom_dir / "return.json"


class StageRunner(ABC):
    """Runs one stage invocation to completion; ``stop()`` from another thread ends it like an eviction."""

    name = "local"

    def __init__(self, settings: Settings, log: logging.Logger | None = None) -> None:
        self.settings = settings
        self.log = log or logging.getLogger(__name__)
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    @abstractmethod
    def command(self, invocation: Invocation, workspace: Workspace) -> tuple[list[str], dict[str, str]]:
        """The command line and the process environment for the run."""

    def describe(self, invocation: Invocation) -> str:
        return f"{invocation.stage} ({self.name})"

    def run(self, invocation: Invocation) -> Any:
        """Runs the stage; returns its XCom value or raises what its exit code means."""
        for directory in invocation.write_dirs:
            make_writable_dir(directory)
        with tempfile.TemporaryDirectory(prefix=f"podstage-{invocation.stage}-") as scratch:
            xcom_dir = Path(scratch) / "xcom"
            xcom_dir.mkdir()
            xcom_dir.chmod(0o777)  # the image's user (1001) writes here under podman
            termination_log = Path(scratch) / "termination-log"
            termination_log.touch()
            termination_log.chmod(0o666)
            workspace = Workspace(xcom_dir=xcom_dir, termination_log=termination_log)
            cmd, env = self.command(invocation, workspace)
            self.log.info("running %s: %s", self.describe(invocation), " ".join(cmd))
            code, tail = self._execute(cmd, env)
            if code == exit_codes.OK:
                return self._read_xcom(invocation.stage, workspace.xcom_file)
            message = termination_log.read_text(encoding="utf-8", errors="replace")
            reason = exit_codes.reason_from(message, tail, code)
            if code < 0:
                raise exit_codes.StageFailed(invocation.stage, None, f"killed by signal {-code}: {reason}")
            runner_reason = self.runner_failure(code)
            if runner_reason is not None:
                raise exit_codes.StageFailed(invocation.stage, None, f"{runner_reason}: {reason}")
            raise exit_codes.outcome(invocation.stage, code, reason, invocation.skip_on_exit_code)

    def runner_failure(self, code: int) -> str | None:
        """A code that comes from the runner itself (podman's 125-127), not from the stage."""
        return None

    def _execute(self, cmd: list[str], env: Mapping[str, str]) -> tuple[int, deque[str]]:
        tail: deque[str] = deque(maxlen=400)
        try:
            proc = subprocess.Popen(
                cmd,
                env=dict(env),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                errors="replace",
                bufsize=1,
                start_new_session=True,
            )
        except OSError as e:
            raise exit_codes.StageFailed(cmd[0], None, f"cannot start {cmd[0]}: {e}") from e
        with self._lock:
            self._proc = proc
        try:
            if proc.stdout is None:  # Popen was given stdout=PIPE: never, but the type says it may be
                raise exit_codes.StageFailed(cmd[0], None, f"{cmd[0]}: no output pipe")
            for raw in proc.stdout:
                line = raw.rstrip("\n")
                tail.append(line)
                self.log.info("%s", line)
            return proc.wait(), tail
        finally:
            # A task timeout or kill raises in this thread: never leave the stage running behind us.
            if proc.poll() is None:
                self._terminate(proc)
            with self._lock:
                self._proc = None

    def stop(self) -> None:
        """Ends a running stage the way Kubernetes evicts a pod: SIGTERM, then SIGKILL after the grace period."""
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            self._terminate(proc)

    def _terminate(self, proc: subprocess.Popen[str]) -> None:
        self.log.warning("stopping the stage (SIGTERM, %ss grace)", STOP_GRACE_SECONDS)
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass

    @staticmethod
    def _read_xcom(stage: str, path: Path) -> Any:
        if not path.exists():
            raise exit_codes.StageFailed(stage, 0, f"exited 0 but wrote no XCom ({path.name} is missing)")
        text = path.read_text(encoding="utf-8")
        if not text.strip():
            return None  # like KubernetesPodOperator with an empty result file
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise exit_codes.StageFailed(stage, 0, f"wrote an XCom that is not JSON: {e}") from e


def make_writable_dir(path: str) -> None:
    """Creates a directory the stage writes into. New directories are world-writable (sticky), so that
    the image's user can write into them under podman as well as the worker's user can locally."""
    target = Path(path)
    missing: list[Path] = []
    while not target.exists():
        missing.append(target)
        target = target.parent
    for directory in reversed(missing):
        directory.mkdir(exist_ok=True)
        directory.chmod(0o1777)
