"""``PODSTAGE_EXECUTION=local``: the stage's packaged jar (or native executable) as a local process."""

from __future__ import annotations

import os

from podstage_provider.backends.base import Invocation, StageRunner, Workspace
from podstage_provider.settings import SettingsError
from podstage_provider.stages import STAGES


class LocalProcessRunner(StageRunner):
    """``java <jvm flags> -jar operators/<stage>/target/quarkus-app/quarkus-run.jar <the pod's arguments>``.

    The process gets the worker's basic environment (PATH, HOME, JAVA_HOME, ...), the pod's
    environment and the values the pod would read from Secrets, plus ``PODSTAGE_XCOM_PATH`` and
    ``PODSTAGE_TERMINATION_LOG_PATH`` pointing into a scratch directory (a pod uses
    /airflow/xcom/return.json and /dev/termination-log). The JVM gets the pod's memory limit as
    ``-XX:MaxRAM`` (unless the flags set one), so it sizes its heap as in the pod, not from the host's RAM.

    With ``PODSTAGE_IMAGE_FLAVOR=native`` the native executable runs instead (``Settings.executable``), with
    the heap ceiling it would have in the pod: ``-Xmx`` at 70 % of the pod's memory limit, the share the
    executable takes of a cgroup limit by itself (docs/native.md).
    """

    name = "local"

    def describe(self, invocation: Invocation) -> str:
        return f"{invocation.stage} as a local process"

    def command(self, invocation: Invocation, workspace: Workspace) -> tuple[list[str], dict[str, str]]:
        env = dict(self.settings.host_env)
        env.update(invocation.env)
        env.update(invocation.secret_env)
        env["PODSTAGE_XCOM_PATH"] = str(workspace.xcom_file)
        env["PODSTAGE_TERMINATION_LOG_PATH"] = str(workspace.termination_log)
        if self.settings.image_flavor == "native":
            return [*self.native_launch(invocation.stage), *invocation.arguments], env
        jar = self.settings.jar(invocation.stage)
        if not jar.is_file():
            raise SettingsError(
                f"the {invocation.stage} stage is not built: {jar} is missing (build it with "
                f"`mvn -pl operators/{invocation.stage} -am package`, or set PODSTAGE_{invocation.stage.upper()}_JAR)"
            )
        cmd = [self.settings.java, *self.jvm_flags(invocation.stage), "-jar", str(jar), *invocation.arguments]
        return cmd, env

    def native_launch(self, stage: str) -> list[str]:
        executable = self.settings.executable(stage)
        if not os.access(executable, os.X_OK):
            raise SettingsError(
                f"the native {stage} stage is not built: {executable} is missing (build it with "
                f"`images/build-native.sh {stage}`, or set PODSTAGE_{stage.upper()}_EXECUTABLE)"
            )
        return [str(executable), f"-Xmx{STAGES[stage].memory_limit_bytes() * 7 // 10}"]

    def jvm_flags(self, stage: str) -> list[str]:
        flags = list(self.settings.jvm_flags)
        if not any(f.startswith("-XX:MaxRAM=") for f in flags):
            flags.append(f"-XX:MaxRAM={STAGES[stage].memory_limit_bytes()}")
        return flags
