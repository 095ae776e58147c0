"""PodstageOperator: a KubernetesPodOperator that runs one Podstage stage, on any backend.

The stage's command line and environment come from :mod:`podstage_provider.arguments`, the pieces of its
pod from :mod:`podstage_provider.pod`; what it takes from Airflow's internals is in
:mod:`podstage_provider.compat`. The per-stage operators are in :mod:`podstage_provider.operators.per_stage`.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from airflow.providers.cncf.kubernetes.kubernetes_helper_functions import PodLaunchFailedException
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.cncf.kubernetes.secret import Secret
from airflow.providers.cncf.kubernetes.utils.container import get_container_termination_message
from airflow.sdk.exceptions import AirflowException, AirflowSkipException
from kubernetes.client import models as k8s
from kubernetes.client.exceptions import ApiException

from podstage_provider import arguments, compat, exit_codes, pod, pod_failures
from podstage_provider.backends import Invocation, StageRunner, runner_for
from podstage_provider.hooks.inference import InferenceEndpoint
from podstage_provider.pod import container_exit_code  # cleanup's parameter `pod` hides the module there
from podstage_provider.settings import Settings
from podstage_provider.stages import STAGES

if TYPE_CHECKING:
    from airflow.sdk import Context

DEFAULT_MAX_RETRY_DELAY = timedelta(minutes=10)

#: Shown for each mapped task instance instead of its index: the shard it works on.
MAP_INDEX_TEMPLATE = "{{ task.podstage_label }}"


def _settings(execution: str | None) -> Settings:
    """This parse's settings; ``execution`` (tests) overrides PODSTAGE_EXECUTION."""
    if execution is None:
        return Settings.from_env()
    return Settings.from_env({**os.environ, "PODSTAGE_EXECUTION": execution})


class PodstageOperator(compat.TemplatesRenderedHook, KubernetesPodOperator):
    """Runs one Podstage stage. Use the per-stage subclasses; they set :attr:`stage`.

    :param input: input URI(s) or path(s); a list; or an upstream stage's XCom value (``.output``),
        whose ``outputs`` are used. Templated; mappable (``.expand(input=...)``).
    :param output_uri: output URI or path (a directory for ``ingest``). Templated.
    :param output_dir: instead of ``output_uri``: a directory; the output is named after the (first)
        input's file name, which keeps outputs of mapped shards apart and deterministic.
    :param options: further stage options, ``{"batch_size": 64}`` → ``--batch-size 64``. Templated.
    :param env: extra environment for the stage (``PODSTAGE_*`` keys). Templated.
    :param variant: A/B variant label (``PODSTAGE_VARIANT``): tags metrics and result rows.
    :param spot: ``True``/``"required"``: only spot/preemptible nodes (GKE, EKS, AKS);
        ``"preferred"``: spot first, on-demand when there is none. Tolerations for their taints either way.
    :param image: the full image reference; default ``<registry>/<stage>:<tag>`` from the settings.
    :param image_registry: overrides ``PODSTAGE_IMAGE_REGISTRY`` for this task.
    :param image_tag: overrides ``PODSTAGE_IMAGE_TAG`` (the provider's version) for this task.
    :param execution: overrides ``PODSTAGE_EXECUTION`` for this task (tests; a DAG never needs it).
    :param skip_on_exit_code: exit codes that mean "nothing to do": the task is skipped (all backends).

    Everything else is KubernetesPodOperator's (``pod_template_file``, ``container_resources``,
    ``node_selector``, ``volumes``, ...) and BaseOperator's (``pool``, ``retries``, ...). Defaults:
    XCom push on, 3 retries with exponential backoff from 30 s (at most 10 min), the stage's
    resources, the restricted security context, /tmp as an emptyDir, the data volume.
    """

    stage: ClassVar[str] = ""
    #: Exit codes that mean "nothing to do" for this stage, when the DAG does not say.
    default_skip_on_exit_code: ClassVar[tuple[int, ...]] = ()
    #: Does ``output_uri`` name a directory (ingest's shards) rather than a file?
    output_is_directory: ClassVar[bool] = False
    #: The subclass's own parameters that are stage options of the same name (``shard_size`` → ``--shard-size``).
    stage_option_names: ClassVar[tuple[str, ...]] = ()

    template_fields: Sequence[str] = tuple(
        dict.fromkeys(
            (*KubernetesPodOperator.template_fields, "input", "output_uri", "output_dir", "options", "variant")
        )
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {
        **KubernetesPodOperator.template_fields_renderers,
        "options": "json",
    }
    ui_color = "#d6e8f5"

    def __init__(
        self,
        *,
        input: Any = None,  # noqa: A002 - the stage's --input
        output_uri: str | None = None,
        output_dir: str | None = None,
        options: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        variant: str | None = None,
        spot: bool | str = False,
        image: str | None = None,
        image_registry: str | None = None,
        image_tag: str | None = None,
        execution: str | None = None,
        skip_on_exit_code: int | Collection[int] | None = None,
        do_xcom_push: bool = True,
        retries: int = 3,
        retry_delay: timedelta = timedelta(seconds=30),
        retry_exponential_backoff: float = 2.0,
        max_retry_delay: timedelta | None = DEFAULT_MAX_RETRY_DELAY,
        map_index_template: str | None = MAP_INDEX_TEMPLATE,
        **kwargs: Any,
    ) -> None:
        operator = type(self).__name__
        arguments.check_operator_arguments(operator, self.stage, kwargs, output_uri, output_dir)
        env = arguments.extra_env(operator, kwargs.pop("env_vars", None), env)
        settings = _settings(execution)
        spec = STAGES[self.stage]
        spot_mode = pod.spot_mode(spot)
        kwargs.update(pod.stage_volumes(spec, settings, kwargs.pop("volumes", None), kwargs.pop("volume_mounts", None)))
        kwargs.update(pod.placement(spot_mode, kwargs.pop("tolerations", None), kwargs.pop("affinity", None)))
        kwargs["labels"] = pod.stage_labels(self.stage, spot_mode, kwargs.pop("labels", None))
        for name, value in pod.operator_defaults(self.stage, spec, settings).items():
            kwargs.setdefault(name, value)
        if map_index_template == MAP_INDEX_TEMPLATE and not compat.instantiated_from_mapped(self):
            map_index_template = None  # a label only means something for a mapped task instance

        super().__init__(
            image=image or pod.image_reference(self.stage, settings, image_registry, image_tag),
            skip_on_exit_code=self.default_skip_on_exit_code if skip_on_exit_code is None else skip_on_exit_code,
            do_xcom_push=do_xcom_push,
            retries=retries,
            retry_delay=retry_delay,
            retry_exponential_backoff=retry_exponential_backoff,
            max_retry_delay=max_retry_delay,
            map_index_template=map_index_template,
            **kwargs,
        )
        self.input = input
        self.output_uri = output_uri
        self.output_dir = output_dir
        self.options = dict(options or {})
        self.env = dict(env or {})
        self.variant = variant
        self.spot = spot
        self.execution = settings.execution
        self._settings = settings
        self._endpoint: InferenceEndpoint | None = None
        self._secret_env: dict[str, str] = {}
        self._runner: StageRunner | None = None
        self._launch_failure: AirflowException | None = None
        self.env_vars = arguments.stage_env(settings.services, self.variant, self.env)
        if arguments.is_plain(self.input) and arguments.is_plain(self.options):
            self.arguments = self._stage_arguments()

    @classmethod
    def partial(cls, **kwargs: Any) -> Any:
        """BaseOperator.partial, plus the cap on retry delays: Airflow takes ``max_retry_delay`` of a mapped
        task from the partial arguments (not from ``__init__``'s defaults), so it has to be there."""
        dag = kwargs.get("dag") or compat.current_dag()
        defaults = {**(getattr(dag, "default_args", None) or {}), **(kwargs.get("default_args") or {})}
        if "max_retry_delay" not in kwargs and "max_retry_delay" not in defaults:
            kwargs["max_retry_delay"] = DEFAULT_MAX_RETRY_DELAY
        return super().partial(**kwargs)

    # ------------------------------------------------------------------ building the stage's command

    def input_uris(self) -> list[str]:
        """What goes to ``--input``."""
        return arguments.stage_uris(self.input)

    def read_uris(self) -> list[str]:
        """Everything the stage reads (podman mounts those outside the data directory)."""
        return self.input_uris()

    def resolved_output(self) -> str | None:
        if self.output_uri:
            return str(self.output_uri)
        if self.output_dir:
            return arguments.output_in_directory(self.task_id, self.output_dir, self.input_uris())
        return None

    def stage_options(self) -> dict[str, Any]:
        """Options this stage adds from its own parameters (subclasses); ``options`` win over them."""
        return {name: getattr(self, name) for name in self.stage_option_names}

    def _stage_arguments(self) -> list[str]:
        inputs = self.input_uris()
        output = self.resolved_output()
        return arguments.stage_arguments(inputs, output, self._merged_options())

    def _merged_options(self) -> dict[str, Any]:
        """The stage's options by flag: the connection's, then the operator's parameters, then ``options``."""
        connection = self._endpoint.stage_options() if self._endpoint is not None else {}
        options = arguments.merged_options(connection, self._own_options())
        self.check_options(options)
        return options

    def _own_options(self) -> dict[str, Any]:
        """What this task sets itself (parameters, then ``options``), by flag."""
        return arguments.own_options(self.stage_options(), self.options)

    def check_options(self, options: Mapping[str, Any]) -> None:
        """Refuses options that would run but run wrong (subclasses); raises ValueError naming them."""

    @property
    def podstage_label(self) -> str:
        """A short name for this task instance (the map index label): its first input's file name."""
        try:
            inputs = self.input_uris()
        except (TypeError, ValueError):
            return ""
        return arguments.input_label(inputs)

    def templates_rendered(self, context: Context) -> None:
        # input/output/options are rendered now (XComArgs resolved, mapped values in place). Rendering
        # happens when the task runs, so the connection is read here too: the arguments stored as
        # Rendered Templates are the command line the stage gets, the connection's options included
        # (never its key, which travels in the environment).
        self._endpoint = self.resolve_connections()
        self.arguments = self._stage_arguments()

    # ------------------------------------------------------------------ secrets and connections

    def resolve_connections(self) -> InferenceEndpoint | None:
        """The inference connection this stage uses, if any (subclasses). Called at run time only."""
        return None

    def prepare(self) -> None:
        """Resolves connections and secrets into the arguments, Secrets and environment of the run.

        Runs when the task runs (never at parse time: parsing a DAG reads no connection).
        """
        if self._endpoint is None:  # read when the templates were rendered, unless this run rendered none
            self._endpoint = self.resolve_connections()
        self.arguments = self._stage_arguments()
        secrets: list[Secret] = [s for s in self.secrets if not pod.is_operator_secret(s)]
        secret_env: dict[str, str] = {}
        if self._settings.services.get("PODSTAGE_DB_URL"):
            secrets.append(
                pod.env_secret("PODSTAGE_DB_PASSWORD", self._settings.db_secret, self._settings.db_secret_key)
            )
            if os.environ.get("PODSTAGE_DB_PASSWORD"):
                secret_env["PODSTAGE_DB_PASSWORD"] = os.environ["PODSTAGE_DB_PASSWORD"]
        endpoint = self._endpoint
        if endpoint is not None:
            if endpoint.kubernetes_secret is not None:
                name, key = endpoint.kubernetes_secret
                secrets.append(pod.env_secret("PODSTAGE_INFER_API_KEY", name, key))
            if endpoint.api_key:
                secret_env["PODSTAGE_INFER_API_KEY"] = endpoint.api_key
        self.secrets = secrets
        self._secret_env = secret_env

    def build_pod_request_obj(self, context: Context | None = None, *, dry_run: bool = False) -> k8s.V1Pod:
        self.prepare()
        endpoint = self._endpoint
        if endpoint is not None and endpoint.kubernetes_secret is None and endpoint.api_key:
            # No Secret named in the connection: the key has to travel in the pod spec.
            self.log.warning(
                "connection %r has an API key but no extra kubernetes_secret: the key is passed as a plain "
                "environment variable of the pod; name a Kubernetes Secret in the connection instead",
                endpoint.conn_id,
            )
            env_vars = pod.with_env_var(self.env_vars, "PODSTAGE_INFER_API_KEY", endpoint.api_key)
            if env_vars is not None:
                self.env_vars = env_vars
        return pod.deduplicated(super().build_pod_request_obj(context, dry_run=dry_run))

    # ------------------------------------------------------------------ running

    def invocation(self) -> Invocation:
        """The run the local backends perform: exactly the pod's arguments and environment."""
        env = pod.literal_env(self.env_vars)
        inputs = arguments.local_inputs(self.read_uris())
        write_dirs = arguments.local_write_dirs(self.resolved_output(), self.output_is_directory)
        return Invocation(
            stage=self.stage,
            arguments=[str(a) for a in self.arguments],
            env=env,
            secret_env=dict(self._secret_env),
            skip_on_exit_code=arguments.skip_codes(self.skip_on_exit_code),
            inputs=inputs,
            write_dirs=write_dirs,
        )

    def execute(self, context: Context) -> Any:
        if self.execution == "kubernetes":
            return super().execute(context)
        self.prepare()
        runner = runner_for(self._settings)
        runner.log = self.log  # type: ignore[assignment]
        self._runner = runner
        try:
            return runner.run(self.invocation())
        finally:
            self._runner = None

    def on_kill(self) -> None:
        if self._runner is not None:
            self._runner.stop()
            return
        super().on_kill()

    def get_or_create_pod(self, pod_request_obj: k8s.V1Pod, context: Context) -> k8s.V1Pod:
        try:
            return super().get_or_create_pod(pod_request_obj, context)
        except ApiException as e:
            refusal = pod_failures.admission_refusal(self.stage, pod_request_obj.metadata.namespace, e)
            if refusal is None:
                raise
            raise refusal from e

    def await_pod_start(self, pod: k8s.V1Pod) -> None:
        try:
            super().await_pod_start(pod)
        except PodLaunchFailedException as e:
            # KubernetesPodOperator's cleanup runs next and raises its own "Pod returned a failure": ours wins there.
            self._launch_failure = pod_failures.pull_failure(self.stage, str(self.image), e)
            if self._launch_failure is None:
                raise
            raise self._launch_failure from e

    def cleanup(
        self,
        pod: k8s.V1Pod,
        remote_pod: k8s.V1Pod,
        xcom_result: dict[Any, Any] | None = None,
        context: Context | None = None,
    ) -> None:
        """KubernetesPodOperator's cleanup, with the stage's exit code mapped as on every backend."""
        try:
            super().cleanup(pod, remote_pod, xcom_result, context)
        except AirflowSkipException:
            raise
        except AirflowException as e:
            if self._launch_failure is not None:
                raise self._launch_failure from e
            code = container_exit_code(remote_pod, self.base_container_name)
            if code is None or code == 0:
                raise
            oom = pod_failures.oom_killed(remote_pod, self.base_container_name)
            if oom is not None:
                raise exit_codes.StageFailedNoRetry(self.stage, code, oom) from e
            message = get_container_termination_message(remote_pod, self.base_container_name)
            reason = (
                message.strip().splitlines()[0]
                if isinstance(message, str) and message.strip()
                else str(e).splitlines()[0]
            )
            raise exit_codes.outcome(self.stage, code, reason, arguments.skip_codes(self.skip_on_exit_code)) from e
