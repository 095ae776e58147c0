"""A stage's command line and environment from an operator's parameters: plain values in, plain values out.

Nothing here reads an Airflow context, a connection or the pod: the operators
(:mod:`podstage_provider.operators.base`) pass in what they have, rendered or not, and every backend
gets the same arguments and environment from these functions.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from podstage_provider.stages import STAGES
from podstage_provider.xcom import values as xcom_values

if TYPE_CHECKING:
    from podstage_provider.hooks.inference import InferenceEndpoint

#: The Airflow context every stage gets as environment (docs/architecture.md), rendered per task instance.
AIRFLOW_CONTEXT_ENV: dict[str, str] = {
    "AIRFLOW_CTX_DAG_ID": "{{ dag.dag_id }}",
    "AIRFLOW_CTX_TASK_ID": "{{ task.task_id }}",
    "AIRFLOW_CTX_RUN_ID": "{{ run_id }}",
    "AIRFLOW_CTX_TRY_NUMBER": "{{ ti.try_number }}",
    "AIRFLOW_CTX_MAP_INDEX": "{{ ti.map_index }}",
}

OptionValue = str | int | float | bool | Sequence[str | int | float] | None

#: The infer options that price a model (USD per 1,000 tokens).
PRICE_FLAGS = ("--price-input-per-1k", "--price-output-per-1k")


def check_operator_arguments(
    operator: str, stage: str, kwargs: Mapping[str, Any], output_uri: str | None, output_dir: str | None
) -> None:
    """Refuses what the operator ``operator`` of ``stage`` cannot honour, before anything is built."""
    if not stage or stage not in STAGES:
        raise TypeError(f"{operator} names no Podstage stage; use one of the per-stage operators")
    for reserved in ("cmds", "arguments"):
        if kwargs.get(reserved):
            raise TypeError(f"{operator} builds {reserved} itself: pass input/output_uri/options instead")
    if output_uri is not None and output_dir is not None:
        raise ValueError(f"{operator}: give output_uri or output_dir, not both")


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


def strip_file_scheme(uri: str) -> str:
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


def rejects_of(value: Any) -> list[str]:
    """The rejects files in upstream infer XCom values (those that rejected any record)."""
    if isinstance(value, Mapping):
        uri = value.get("rejects_uri")
        return [str(uri)] if uri and int(value.get("rejects") or 0) > 0 else []
    if isinstance(value, (str, bytes)) or value is None or not isinstance(value, Iterable):
        return []
    found: list[str] = []
    for item in xcom_values(value):
        found += rejects_of(item)
    return found


def is_plain(value: Any) -> bool:
    """A value that can become arguments before rendering (no XComArg or other lazy object)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and is_plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(is_plain(v) for v in value)
    return False


def output_in_directory(task_id: str, output_dir: str, inputs: Sequence[str]) -> str:
    """The output in ``output_dir``, named after the first input's file name (a ``.jsonl`` file)."""
    if not inputs:
        raise ValueError(f"{task_id}: output_dir needs an input to name the output after")
    name = posixpath.basename(strip_file_scheme(inputs[0]).rstrip("/")) or "output"
    if not name.endswith(".jsonl"):
        name += ".jsonl"
    return posixpath.join(str(output_dir).rstrip("/"), name)


def input_label(inputs: Sequence[str]) -> str:
    """A short name for a task instance: its first input's file name without ``.jsonl`` ("" without inputs)."""
    if not inputs:
        return ""
    name = posixpath.basename(strip_file_scheme(inputs[0]).rstrip("/"))
    return name.removesuffix(".jsonl")


def own_options(stage_options: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """What a task sets itself (its parameters, then ``options``), by flag. None or "" (a template that
    rendered to nothing) means "not set here": it never hides a value from the connection."""
    own = {option_flag(k): v for k, v in stage_options.items() if v not in (None, "")}
    own.update({option_flag(k): v for k, v in options.items() if v not in (None, "")})
    return own


def merged_options(connection_options: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """The stage's options by flag: the connection's, then the task's own (:func:`own_options`)."""
    options: dict[str, Any] = {option_flag(k): v for k, v in connection_options.items()}
    options.update(own)
    return options


def stage_arguments(inputs: Sequence[str], output: str | None, options: Mapping[str, Any]) -> list[str]:
    """``--input`` for each input, ``--output``, then the options (:func:`option_arguments`)."""
    args: list[str] = []
    for uri in inputs:
        args += ["--input", uri]
    if output:
        args += ["--output", output]
    return args + option_arguments(options)


def check_model_prices(
    task_id: str, endpoint: InferenceEndpoint | None, options: Mapping[str, Any], own: Mapping[str, Any]
) -> None:
    """A model other than the connection's needs its own prices (in ``own``): the connection's price another
    model. Raises ValueError naming the missing prices."""
    model = options.get("--model")
    if endpoint is None or model in (None, "") or str(model) == endpoint.model:
        return
    missing = [flag for flag in PRICE_FLAGS if flag not in own]
    if missing:
        raise ValueError(
            f"{task_id}: options override the model of connection {endpoint.conn_id!r} "
            f"({endpoint.model} → {model}) but not {' and '.join(f.lstrip('-') for f in missing)}: the "
            f"connection's prices are for {endpoint.model}; give price_input_per_1k and price_output_per_1k "
            "(USD per 1k tokens) with the model"
        )


def extra_env(operator: str, env_vars: Any, env: Mapping[str, str] | None) -> dict[str, str]:
    """The stage's extra environment: ``env``, over KubernetesPodOperator's ``env_vars`` given as a mapping."""
    if env_vars and not isinstance(env_vars, Mapping):
        raise TypeError(f"{operator}: pass extra environment as env={{name: value}}, not env_vars={env_vars!r}")
    return {**(env_vars or {}), **(env or {})}


def stage_env(services: Mapping[str, str], variant: str | None, env: Mapping[str, str]) -> dict[str, str]:
    """The stage's environment: the Airflow context, the deployment's services, the variant, then ``env``."""
    merged = dict(AIRFLOW_CONTEXT_ENV)
    merged.update(services)
    if variant:
        merged["PODSTAGE_VARIANT"] = variant
    merged.update(env)
    return merged


def local_inputs(uris: Iterable[str]) -> tuple[str, ...]:
    """The inputs that are local paths (plain or ``file://``), as paths: what podman has to mount."""
    return tuple(strip_file_scheme(u) for u in uris if "://" not in u or u.startswith("file://"))


def local_write_dirs(output: str | None, output_is_directory: bool) -> tuple[str, ...]:
    """The local directory a stage writes its output to (none for a remote output or none at all)."""
    if output and ("://" not in output or output.startswith("file://")):
        local = strip_file_scheme(output)
        return (local if output_is_directory else posixpath.dirname(local),)
    return ()


def skip_codes(skip_on_exit_code: Any) -> tuple[int, ...]:
    """KubernetesPodOperator's ``skip_on_exit_code`` (an int, a collection or None) as a tuple."""
    if isinstance(skip_on_exit_code, int):
        return (skip_on_exit_code,)
    return tuple(skip_on_exit_code) if isinstance(skip_on_exit_code, Iterable) else ()
