"""``PODSTAGE_EXECUTION=local``: the stage's packaged jar as a local process."""

from __future__ import annotations

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
    """

    name = "local"

    def describe(self, invocation: Invocation) -> str:
        return f"{invocation.stage} as a local process"

    def command(self, invocation: Invocation, workspace: Workspace) -> tuple[list[str], dict[str, str]]:
        jar = self.settings.jar(invocation.stage)
        if not jar.is_file():
            raise SettingsError(
                f"the {invocation.stage} stage is not built: {jar} is missing (build it with "
                f"`mvn -pl operators/{invocation.stage} -am package`, or set PODSTAGE_{invocation.stage.upper()}_JAR)"
            )
        env = dict(self.settings.host_env)
        env.update(invocation.env)
        env.update(invocation.secret_env)
        env["PODSTAGE_XCOM_PATH"] = str(workspace.xcom_file)
        env["PODSTAGE_TERMINATION_LOG_PATH"] = str(workspace.termination_log)
        cmd = [self.settings.java, *self.jvm_flags(invocation.stage), "-jar", str(jar), *invocation.arguments]
        return cmd, env

    def jvm_flags(self, stage: str) -> list[str]:
        flags = list(self.settings.jvm_flags)
        if not any(f.startswith("-XX:MaxRAM=") for f in flags):
            flags.append(f"-XX:MaxRAM={STAGES[stage].memory_limit_bytes()}")
        return flags
