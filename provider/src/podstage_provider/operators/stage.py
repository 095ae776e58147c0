"""One operator per Podstage stage, on top of KubernetesPodOperator.

Each operator is a KubernetesPodOperator with the stage's image, arguments, environment, resources,
restricted security context and retry policy filled in. Where it runs is decided by
``PODSTAGE_EXECUTION`` when the DAG file is parsed (see :mod:`podstage_provider.settings`):
``kubernetes`` launches the pod; ``local`` and ``podman`` run the same arguments and environment as
a local process or a podman container and return the same XCom value. A DAG never changes between
backends.

Inputs are URIs or paths, a list of them, or an upstream stage's XCom value (its ``outputs`` are
used), so stages chain directly and work with dynamic task mapping::

    shards = shards_of(ingest)                       # ingest's XCom "shards", as a list to map over
    chunks = PreprocessOperator.partial(task_id="preprocess", output_dir=...).expand(input=shards)
    vectors = EmbedOperator.partial(task_id="embed", output_dir=...).expand(input=chunks.output)
    StoreOperator(task_id="store", input=vectors.output, output_uri=...)
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from airflow.providers.cncf.kubernetes.kubernetes_helper_functions import PodLaunchFailedException
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.cncf.kubernetes.secret import Secret
from airflow.providers.cncf.kubernetes.utils.container import get_container_termination_message
from airflow.sdk.exceptions import AirflowException, AirflowSkipException
from kubernetes.client import models as k8s
from kubernetes.client.exceptions import ApiException

from podstage_provider import exit_codes, pod, pod_failures
from podstage_provider.backends import Invocation, StageRunner, runner_for
from podstage_provider.hooks.inference import InferenceEndpoint, InferenceEndpointHook
from podstage_provider.settings import Settings
from podstage_provider.stages import STAGES, StageSpec
from podstage_provider.xcom import values as xcom_values

if TYPE_CHECKING:
    import jinja2
    from airflow.sdk import Context

#: The Airflow context every stage gets as environment (docs/architecture.md), rendered per task instance.
AIRFLOW_CONTEXT_ENV: dict[str, str] = {
    "AIRFLOW_CTX_DAG_ID": "{{ dag.dag_id }}",
    "AIRFLOW_CTX_TASK_ID": "{{ task.task_id }}",
    "AIRFLOW_CTX_RUN_ID": "{{ run_id }}",
    "AIRFLOW_CTX_TRY_NUMBER": "{{ ti.try_number }}",
    "AIRFLOW_CTX_MAP_INDEX": "{{ ti.map_index }}",
}

DEFAULT_MAX_RETRY_DELAY = timedelta(minutes=10)

#: Shown for each mapped task instance instead of its index: the shard it works on.
MAP_INDEX_TEMPLATE = "{{ task.podstage_label }}"

OptionValue = str | int | float | bool | Sequence[str | int | float] | None


#: The infer options that price a model (USD per 1,000 tokens).
PRICE_FLAGS = ("--price-input-per-1k", "--price-output-per-1k")


def option_flag(name: str) -> str:
    """``max_in_flight`` / ``max-in-flight`` / ``--max-in-flight`` → ``--max-in-flight``."""
    return "--" + name.lstrip("-").replace("_", "-")


def option_arguments(options: Mapping[str, Any]) -> list[str]:
    """Options as command-line arguments: lists repeat the option, booleans are ``true``/``false``.

    None and the empty string (a template that rendered to nothing) leave the option out.
    """
    args: list[str] = []
    for name, value in options.items():
        if value is None or value == "":
            continue
        if isinstance(value, Mapping):
            raise TypeError(f"option {name!r}: a mapping is no command-line value (give a value or a list): {value!r}")
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            args += [option_flag(name), ("true" if item else "false") if isinstance(item, bool) else str(item)]
    return args


def _strip_file_scheme(uri: str) -> str:
    return uri[len("file://") :] if uri.startswith("file://") else uri


def stage_uris(value: Any) -> list[str]:
    """The input URIs in a value: a URI, a list of URIs, or upstream XCom values (their ``outputs``).

    Skipped upstream tasks (None) contribute nothing; an upstream value without ``outputs`` is an error.
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Mapping):
        if "outputs" not in value:
            raise ValueError(f"an upstream XCom value without 'outputs' cannot be an input: keys {sorted(value)}")
        return stage_uris(list(value["outputs"]))
    if isinstance(value, Iterable):
        uris: list[str] = []
        for item in xcom_values(value):
            uris += stage_uris(item)
        return uris
    raise TypeError(f"cannot use a {type(value).__name__} as a stage input")


def _is_plain(value: Any) -> bool:
    """A value that can become arguments before rendering (no XComArg or other lazy object)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    return False


def _extra_env(operator: str, env_vars: Any, env: Mapping[str, str] | None) -> dict[str, str]:
    """The stage's extra environment: ``env``, over KubernetesPodOperator's ``env_vars`` given as a mapping."""
    if env_vars and not isinstance(env_vars, Mapping):
        raise TypeError(f"{operator}: pass extra environment as env={{name: value}}, not env_vars={env_vars!r}")
    return {**(env_vars or {}), **(env or {})}


def _settings(execution: str | None) -> Settings:
    """This parse's settings; ``execution`` (tests) overrides PODSTAGE_EXECUTION."""
    if execution is None:
        return Settings.from_env()
    return Settings.from_env({**os.environ, "PODSTAGE_EXECUTION": execution})


def _volumes(spec: StageSpec, settings: Settings, volumes: Any, mounts: Any) -> dict[str, list[Any]]:
    """The DAG's volumes after /tmp (an emptyDir the stage's size) and the data volume (when there is one)."""
    own = [pod.tmp_volume(spec.tmp_size)]
    if settings.data_pvc:
        own.append(pod.data_volume(settings.data_pvc, settings.data_dir))
    return {
        "volumes": [volume for volume, _ in own] + list(volumes or []),
        "volume_mounts": [mount for _, mount in own] + list(mounts or []),
    }


def _placement(spot_mode: pod.SpotMode | None, tolerations: Any, affinity: Any) -> dict[str, Any]:
    """The DAG's tolerations and affinity; with spot, the spot taints tolerated and (unless given) spot affinity."""
    placement: dict[str, Any] = {"tolerations": list(tolerations or []), "affinity": affinity}
    if spot_mode is not None:
        placement["tolerations"] += list(pod.SPOT_TOLERATIONS)
        if affinity is None:
            placement["affinity"] = pod.spot_affinity(spot_mode)
    return placement


class PodstageOperator(KubernetesPodOperator):
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
        self._check_arguments(kwargs, output_uri, output_dir)
        env = _extra_env(type(self).__name__, kwargs.pop("env_vars", None), env)
        settings = _settings(execution)
        spec = STAGES[self.stage]
        spot_mode = self._spot_mode(spot)
        kwargs.update(_volumes(spec, settings, kwargs.pop("volumes", None), kwargs.pop("volume_mounts", None)))
        kwargs.update(_placement(spot_mode, kwargs.pop("tolerations", None), kwargs.pop("affinity", None)))
        kwargs["labels"] = self._labels(spot_mode, kwargs.pop("labels", None))
        self._pod_defaults(kwargs, spec, settings)
        if map_index_template == MAP_INDEX_TEMPLATE and not getattr(self, "_BaseOperator__from_mapped", False):
            map_index_template = None  # a label only means something for a mapped task instance

        super().__init__(
            image=image or self._image(settings, image_registry, image_tag),
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
        self.env_vars = self._stage_env()
        if _is_plain(self.input) and _is_plain(self.options):
            self.arguments = self._stage_arguments()

    @classmethod
    def partial(cls, **kwargs: Any) -> Any:
        """BaseOperator.partial, plus the cap on retry delays: Airflow takes ``max_retry_delay`` of a mapped
        task from the partial arguments (not from ``__init__``'s defaults), so it has to be there."""
        from airflow.sdk.definitions._internal.contextmanager import DagContext  # noqa: PLC0415 - private, only here

        dag = kwargs.get("dag") or DagContext.get_current()
        defaults = {**(getattr(dag, "default_args", None) or {}), **(kwargs.get("default_args") or {})}
        if "max_retry_delay" not in kwargs and "max_retry_delay" not in defaults:
            kwargs["max_retry_delay"] = DEFAULT_MAX_RETRY_DELAY
        return super().partial(**kwargs)

    # ------------------------------------------------------------------ building the stage's command

    @staticmethod
    def _spot_mode(spot: bool | str) -> pod.SpotMode | None:
        if spot is False or spot is None:
            return None
        if spot is True or spot == "required":
            return "required"
        if spot == "preferred":
            return "preferred"
        raise ValueError(f"spot={spot!r} (allowed: False, True, 'required', 'preferred')")

    def _check_arguments(self, kwargs: Mapping[str, Any], output_uri: str | None, output_dir: str | None) -> None:
        """Refuses what the operator cannot honour, before anything is built."""
        name = type(self).__name__
        if not self.stage or self.stage not in STAGES:
            raise TypeError(f"{name} names no Podstage stage; use one of the per-stage operators")
        for reserved in ("cmds", "arguments"):
            if kwargs.get(reserved):
                raise TypeError(f"{name} builds {reserved} itself: pass input/output_uri/options instead")
        if output_uri is not None and output_dir is not None:
            raise ValueError(f"{name}: give output_uri or output_dir, not both")

    def _labels(self, spot_mode: pod.SpotMode | None, extra: Mapping[str, str] | None) -> dict[str, str]:
        """The pod's labels: the stage's, the DAG's (which win), and the spot mode."""
        labels = {
            "app.kubernetes.io/name": "podstage",
            "app.kubernetes.io/component": self.stage,
            "podstage.dev/stage": self.stage,
            **(extra or {}),
        }
        if spot_mode is not None:
            labels["podstage.dev/spot"] = spot_mode
        return labels

    def _pod_defaults(self, kwargs: dict[str, Any], spec: StageSpec, settings: Settings) -> None:
        """KubernetesPodOperator arguments the DAG did not give: the stage's and the deployment's."""
        kwargs.setdefault("name", f"podstage-{self.stage}")
        kwargs.setdefault("namespace", settings.namespace)
        kwargs.setdefault("container_resources", k8s.V1ResourceRequirements(**spec.resources()))
        kwargs.setdefault("security_context", pod.pod_security_context())
        kwargs.setdefault("container_security_context", pod.container_security_context())
        kwargs.setdefault("xcom_sidecar_container_security_context", pod.sidecar_security_context())
        kwargs.setdefault("termination_message_policy", "FallbackToLogsOnError")
        kwargs.setdefault("log_pod_spec_on_failure", False)
        kwargs.setdefault("image_pull_policy", settings.image_pull_policy)
        kwargs.setdefault("pod_template_file", settings.pod_template_file)
        kwargs.setdefault("service_account_name", settings.service_account)

    def _image(self, settings: Settings, registry: str | None, tag: str | None) -> str:
        """The deployment's image (by digest when it knows one), or ``<registry>/<stage>:<tag>`` when the task
        names another registry or tag: the deployment's digest belongs to the deployment's image."""
        if registry is None and tag is None:
            return settings.image(self.stage)
        return f"{(registry or settings.image_registry).rstrip('/')}/{self.stage}:{tag or settings.image_tag}"

    def _stage_env(self) -> dict[str, str]:
        env = dict(AIRFLOW_CONTEXT_ENV)
        env.update(self._settings.services)
        if self.variant:
            env["PODSTAGE_VARIANT"] = self.variant
        env.update(self.env)
        return env

    def input_uris(self) -> list[str]:
        """What goes to ``--input``."""
        return stage_uris(self.input)

    def read_uris(self) -> list[str]:
        """Everything the stage reads (podman mounts those outside the data directory)."""
        return self.input_uris()

    def resolved_output(self) -> str | None:
        if self.output_uri:
            return str(self.output_uri)
        if self.output_dir:
            inputs = self.input_uris()
            if not inputs:
                raise ValueError(f"{self.task_id}: output_dir needs an input to name the output after")
            name = posixpath.basename(_strip_file_scheme(inputs[0]).rstrip("/")) or "output"
            if not name.endswith(".jsonl"):
                name += ".jsonl"
            return posixpath.join(str(self.output_dir).rstrip("/"), name)
        return None

    def stage_options(self) -> dict[str, Any]:
        """Options this stage adds from its own parameters (subclasses); ``options`` win over them."""
        return {name: getattr(self, name) for name in self.stage_option_names}

    def _stage_arguments(self) -> list[str]:
        args: list[str] = []
        for uri in self.input_uris():
            args += ["--input", uri]
        output = self.resolved_output()
        if output:
            args += ["--output", output]
        return args + option_arguments(self._merged_options())

    def _merged_options(self) -> dict[str, Any]:
        """The stage's options by flag: the connection's, then the operator's parameters, then ``options``."""
        options: dict[str, Any] = {}
        if self._endpoint is not None:
            options.update({option_flag(k): v for k, v in self._endpoint.stage_options().items()})
        options.update(self._own_options())
        self.check_options(options)
        return options

    def _own_options(self) -> dict[str, Any]:
        """What this task sets itself (parameters, then ``options``), by flag. None or "" (a template that
        rendered to nothing) means "not set here": it never hides a value from the connection."""
        own = {option_flag(k): v for k, v in self.stage_options().items() if v not in (None, "")}
        own.update({option_flag(k): v for k, v in self.options.items() if v not in (None, "")})
        return own

    def check_options(self, options: Mapping[str, Any]) -> None:
        """Refuses options that would run but run wrong (subclasses); raises ValueError naming them."""

    @property
    def podstage_label(self) -> str:
        """A short name for this task instance (the map index label): its first input's file name."""
        try:
            inputs = self.input_uris()
        except (TypeError, ValueError):
            return ""
        if not inputs:
            return ""
        name = posixpath.basename(_strip_file_scheme(inputs[0]).rstrip("/"))
        return name.removesuffix(".jsonl")

    def _do_render_template_fields(
        self,
        parent: Any,
        template_fields: Iterable[str],
        context: Context,
        jinja_env: jinja2.Environment,
        seen_oids: set[int],
    ) -> None:
        super()._do_render_template_fields(parent, template_fields, context, jinja_env, seen_oids)
        if parent is self:
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
        secrets: list[Secret] = [s for s in self.secrets if not getattr(s, "_podstage", False)]
        secret_env: dict[str, str] = {}
        if self._settings.services.get("PODSTAGE_DB_URL"):
            secrets.append(_env_secret("PODSTAGE_DB_PASSWORD", self._settings.db_secret, self._settings.db_secret_key))
            if os.environ.get("PODSTAGE_DB_PASSWORD"):
                secret_env["PODSTAGE_DB_PASSWORD"] = os.environ["PODSTAGE_DB_PASSWORD"]
        endpoint = self._endpoint
        if endpoint is not None:
            if endpoint.kubernetes_secret is not None:
                name, key = endpoint.kubernetes_secret
                secrets.append(_env_secret("PODSTAGE_INFER_API_KEY", name, key))
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
            env_vars = list(self.env_vars) if isinstance(self.env_vars, list) else []
            if not any(getattr(e, "name", None) == "PODSTAGE_INFER_API_KEY" for e in env_vars):
                env_vars.append(k8s.V1EnvVar(name="PODSTAGE_INFER_API_KEY", value=endpoint.api_key))
                self.env_vars = env_vars
        return _dedupe(super().build_pod_request_obj(context, dry_run=dry_run))

    # ------------------------------------------------------------------ running

    def invocation(self) -> Invocation:
        """The run the local backends perform: exactly the pod's arguments and environment."""
        env: dict[str, str] = {}
        raw = self.env_vars
        if isinstance(raw, Mapping):
            env.update({str(k): str(v) for k, v in raw.items()})
        else:
            for var in raw or []:
                if isinstance(var, k8s.V1EnvVar) and var.value_from is None:
                    env[var.name] = "" if var.value is None else str(var.value)
        inputs = tuple(_strip_file_scheme(u) for u in self.read_uris() if "://" not in u or u.startswith("file://"))
        output = self.resolved_output()
        write_dirs: tuple[str, ...] = ()
        if output and ("://" not in output or output.startswith("file://")):
            local = _strip_file_scheme(output)
            write_dirs = (local if self.output_is_directory else posixpath.dirname(local),)
        return Invocation(
            stage=self.stage,
            arguments=[str(a) for a in self.arguments],
            env=env,
            secret_env=dict(self._secret_env),
            skip_on_exit_code=self._skip_codes(),
            inputs=inputs,
            write_dirs=write_dirs,
        )

    def _skip_codes(self) -> tuple[int, ...]:
        codes = self.skip_on_exit_code
        if isinstance(codes, int):
            return (codes,)
        return tuple(codes) if isinstance(codes, Iterable) else ()

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
            code = _exit_code(remote_pod, self.base_container_name)
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
            raise exit_codes.outcome(self.stage, code, reason, self._skip_codes()) from e


def _dedupe(request: k8s.V1Pod) -> k8s.V1Pod:
    """A pod template and the operator may both bring a volume (``tmp``) or toleration: the pod template is
    merged first, so the operator's entry (the later one) wins and each name appears once."""
    spec = request.spec
    if spec is None:
        return request
    if spec.volumes:
        spec.volumes = list({v.name: v for v in spec.volumes}.values())
    for container in spec.containers or []:
        if container.volume_mounts:
            container.volume_mounts = list({m.mount_path: m for m in container.volume_mounts}.values())
    if spec.tolerations:
        unique: dict[tuple[Any, ...], Any] = {}
        for t in spec.tolerations:
            t_dict = t.to_dict() if hasattr(t, "to_dict") else dict(t)
            unique[tuple(sorted((k, str(v)) for k, v in t_dict.items()))] = t
        spec.tolerations = list(unique.values())
    return request


def _env_secret(variable: str, secret: str, key: str) -> Secret:
    """The environment variable ``variable`` from ``key`` of the Kubernetes Secret ``secret``, marked as added by
    the operator, so that a second prepare() replaces it instead of adding it twice."""
    env_secret: Secret = Secret("env", variable, secret, key)  # type: ignore[no-untyped-call]
    env_secret._podstage = True  # type: ignore[attr-defined]
    return env_secret


def _exit_code(remote_pod: k8s.V1Pod | None, container: str) -> int | None:
    statuses = (remote_pod.status.container_statuses if remote_pod is not None and remote_pod.status else None) or []
    for status in statuses:
        if status.name == container and status.state and status.state.terminated:
            return int(status.state.terminated.exit_code)
    return None


class IngestOperator(PodstageOperator):
    """``ingest``: files, directories or URLs → shards of JSON Lines in ``output_uri`` (a directory).

    Its XCom value has ``shards`` (a list of shard URIs) and ``shard_records``: map the next stage
    over ``shards_of(ingest)``.

    :param shards: exactly N shards. :param shard_size: about M records per shard.
    """

    stage = "ingest"
    output_is_directory = True
    stage_option_names = ("shards", "shard_size")

    def __init__(self, *, shards: int | None = None, shard_size: int | None = None, **kwargs: Any) -> None:
        self.shards = shards
        self.shard_size = shard_size
        super().__init__(**kwargs)


class PreprocessOperator(PodstageOperator):
    """``preprocess``: one shard → cleaned, deduplicated chunks (JSON Lines)."""

    stage = "preprocess"


class EmbedOperator(PodstageOperator):
    """``embed``: chunks → chunks with their embeddings (all-MiniLM-L6-v2, in-process)."""

    stage = "embed"
    stage_option_names = ("batch_size",)

    def __init__(self, *, batch_size: int | None = None, **kwargs: Any) -> None:
        self.batch_size = batch_size
        super().__init__(**kwargs)


class InferOperator(PodstageOperator):
    """``infer``: records → one answer per record from an LLM endpoint.

    :param conn_id: a ``podstage_inference`` connection: endpoints (primary first), protocol, model,
        API key (see :mod:`podstage_provider.hooks.inference`). ``None``: pass ``endpoint``,
        ``protocol`` and ``model`` in ``options`` instead.
    :param max_cost_usd: the budget of this task (exit 4 when reached: fails without retrying).
    :param prompt_template: e.g. ``"Summarise: {text}"``.
    """

    stage = "infer"
    stage_option_names = ("max_cost_usd", "prompt_template")
    template_fields: Sequence[str] = (*PodstageOperator.template_fields, "conn_id")

    def __init__(
        self,
        *,
        conn_id: str | None = InferenceEndpointHook.default_conn_name,
        max_cost_usd: float | None = None,
        prompt_template: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.conn_id = conn_id
        self.max_cost_usd = max_cost_usd
        self.prompt_template = prompt_template
        super().__init__(**kwargs)

    def resolve_connections(self) -> InferenceEndpoint | None:
        if not self.conn_id:
            return None
        return InferenceEndpointHook(self.conn_id).get_endpoint()

    def check_options(self, options: Mapping[str, Any]) -> None:
        """A model other than the connection's needs its own prices: the connection's price another model."""
        endpoint = self._endpoint
        model = options.get("--model")
        if endpoint is None or model in (None, "") or str(model) == endpoint.model:
            return
        own = self._own_options()
        missing = [flag for flag in PRICE_FLAGS if flag not in own]
        if missing:
            raise ValueError(
                f"{self.task_id}: options override the model of connection {endpoint.conn_id!r} "
                f"({endpoint.model} → {model}) but not {' and '.join(f.lstrip('-') for f in missing)}: the "
                f"connection's prices are for {endpoint.model}; give price_input_per_1k and price_output_per_1k "
                "(USD per 1k tokens) with the model"
            )


class StoreOperator(PodstageOperator):
    """``store``: chunks with embeddings, or infer's results, upserted into PostgreSQL.

    Needs ``PODSTAGE_DB_URL`` (and the DB password: Secret on Kubernetes, environment locally).
    Given infer's XCom values as ``input``, their rejects files become ``--errors`` (error rows).

    :param kind: ``auto`` | ``chunks`` | ``results``.
    """

    stage = "store"

    def __init__(self, *, kind: str | None = None, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(**kwargs)

    def stage_options(self) -> dict[str, Any]:
        return {"kind": self.kind, "errors": _rejects_of(self.input) or None}

    def read_uris(self) -> list[str]:
        return self.input_uris() + _rejects_of(self.input)


def _rejects_of(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        uri = value.get("rejects_uri")
        return [str(uri)] if uri and int(value.get("rejects") or 0) > 0 else []
    if isinstance(value, (str, bytes)) or value is None or not isinstance(value, Iterable):
        return []
    found: list[str] = []
    for item in xcom_values(value):
        found += _rejects_of(item)
    return found


class EvaluateOperator(PodstageOperator):
    """``evaluate``: compares two variants' stored results (PostgreSQL, written by ``store``) and writes an
    HTML report to ``output_uri``; its XCom value names the winner and the report's URI.

    :param variant_a: the label of variant A (``InferOperator(variant=...)``).
    :param variant_b: the label of variant B.
    :param references: JSON Lines ``{id, reference}``: expected answers to score quality against.
    """

    stage = "evaluate"
    stage_option_names = ("variant_a", "variant_b", "references")
    template_fields: Sequence[str] = (*PodstageOperator.template_fields, *stage_option_names)

    def __init__(
        self,
        *,
        variant_a: str = "a",
        variant_b: str = "b",
        references: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.variant_a = variant_a
        self.variant_b = variant_b
        self.references = references
        super().__init__(**kwargs)

    def read_uris(self) -> list[str]:
        return self.input_uris() + stage_uris(self.references)
