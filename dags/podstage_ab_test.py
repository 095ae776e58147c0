"""
### Podstage A/B test: split → infer A and/or B → store → evaluate → human approval → promote

Compares two inference variants (a connection with its endpoint, model and prices; optionally a
model override and a prompt) on the same questions and promotes the better one, with a person
approving the promotion.

| task | what it does |
|---|---|
| `split` | **deterministic split**: hashes the run id (sha256) and picks `a`, `b` or `both` by the weights (Variable `podstage_ab_weights`, else param `weights`; default 45/45/10). The same run id always takes the same branch. Param `force` (`a`, `b`, `both`) overrides it for a demo or a manual side-by-side run |
| `infer_a`, `infer_b` | the variant(s) the split chose; each answer is tagged with its variant and model |
| `store` | **the join**: trigger rule `none_failed_min_one_success`, so it runs after whichever variant(s) ran and is skipped only if none did; upserts the answers into PostgreSQL |
| `evaluate` | compares the stored answers of variant `a` with variant `b`: quality against `references` (exact match and embedding similarity), cost per record, p95 latency, error rate. Param `rule` orders the criteria; the first that tells the variants apart beyond its tolerance names the winner. Writes an HTML report; XCom: verdict, winner, the criterion that decided, each variant's numbers |
| `approve` | **human approval** (Airflow's HITL ApprovalOperator: "Required actions" in the UI). Reject skips the promotion |
| `promote` | writes the winner to the Airflow Variable `podstage_ab_winner` (skipped when there is no winner: tie or too few samples) |

**Variants** (params `variant_a` / `variant_b` = `{"conn_id", "model", "prompt_template",
"price_input_per_1k", "price_output_per_1k"}`): by default `a` is the connection `podstage_llm` (the
model in production) and `b` the connection `podstage_llm_candidate` (the model to try); an empty
`model` uses the connection's, with the connection's prices. A `model` of its own needs its prices
(USD per 1k tokens) beside it, or the task refuses to run: the connection's prices are for its model.
Endpoints and keys stay in the connections (type `podstage_inference`), never in this file.

**What is compared** (param `compare`): `auto` compares this run's answers when both variants ran in
it (a side-by-side run, the same questions for both) and every stored run's otherwise (the split
sends most runs to one variant, so the comparison accumulates over runs); `run` and `all` force one
or the other.

**Unattended runs** (`airflow dags test`, the demo, CI) cannot wait for a person: with the run param
`auto_approve` true (`-c '{"auto_approve": true}'`) or the Variable `podstage_auto_approve` = `true`,
`approve` records an approval by `podstage-auto-approve` and logs a warning. Both are off by default,
so a scheduled run always waits for a person. Where it runs: `PODSTAGE_EXECUTION`.
"""

from __future__ import annotations

import json
from typing import Any

from airflow.sdk import DAG, Param, Variable, get_current_context, task
from airflow.sdk.exceptions import AirflowSkipException

from podstage_provider import ab, examples, summary
from podstage_provider.operators import (
    EvaluateOperator,
    InferOperator,
    PodstageApprovalOperator,
    StoreOperator,
)

DATA, SAMPLES = examples.sample_paths(__file__, "ab_test")
WINNER_VARIABLE = "podstage_ab_winner"
WEIGHTS_VARIABLE = "podstage_ab_weights"
PROMPT = "Answer in one sentence: {text}"
#: The run whose stored answers evaluate compares ('' = every run), by the param ``compare``: ``auto``
#: takes this run when the split sent it to both variants (split's XCom is absent when it skipped one).
EVALUATED_RUN_ID = (
    "{{ run_id if params.compare == 'run'"
    " or (params.compare == 'auto' and (ti.xcom_pull(task_ids='split') or []) | length == 2) else '' }}"
)

VARIANT_PARAM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "conn_id": {"type": "string"},
        "model": {"type": "string"},
        "prompt_template": {"type": "string"},
        "price_input_per_1k": {"type": ["number", "string"]},
        "price_output_per_1k": {"type": ["number", "string"]},
    },
    "required": ["conn_id"],
}

with DAG(
    dag_id="podstage_ab_test",
    description="Deterministic A/B split between two inference variants, evaluation, approval, promotion",
    doc_md=__doc__,
    **examples.ON_DEMAND,
    tags=["podstage", "ab-test", "llm", "example"],
    params={
        "source": Param(f"{SAMPLES}/questions.jsonl", type="string"),
        "weights": Param(dict(ab.DEFAULT_WEIGHTS), type="object", description="Bucket weights: a, b, both"),
        # null, not "": the trigger form treats an empty string as a missing required value and disables Trigger
        "force": Param(
            None,
            type=["null", "string"],
            enum=[None, "a", "b", "both"],
            description="Override the split (empty: the deterministic split)",
        ),
        "auto_approve": Param(False, type="boolean", description="Approve without asking (demo/CI only)"),
        "variant_a": Param({"conn_id": "podstage_llm", "model": "", "prompt_template": PROMPT}, **VARIANT_PARAM_SCHEMA),
        "variant_b": Param(
            {"conn_id": "podstage_llm_candidate", "model": "", "prompt_template": PROMPT}, **VARIANT_PARAM_SCHEMA
        ),
        "references": Param(
            f"{SAMPLES}/references.jsonl", type="string", description="JSON Lines {id, reference}: expected answers"
        ),
        "rule": Param(
            "quality,cost,latency",
            type="string",
            pattern=r"^(quality|errors|cost|latency)(,(quality|errors|cost|latency))*$",
            description="Criteria in order; the first that tells the variants apart decides",
        ),
        "compare": Param("auto", type="string", enum=["auto", "run", "all"], description="Which stored runs count"),
    },
) as dag:

    @task.branch
    def split() -> list[str]:
        context = get_current_context()
        params = context["params"]
        configured = Variable.get(WEIGHTS_VARIABLE, default=None)
        weights = json.loads(configured) if configured else params["weights"]
        bucket = params["force"] or ab.choose(context["run_id"], weights)
        print(f"run {context['run_id']!r} → bucket {bucket!r} (weights {weights}, forced: {bool(params['force'])})")
        return ab.branches(bucket, "infer_a", "infer_b")

    variants = {}
    for name in ("a", "b"):
        variants[name] = InferOperator(
            task_id=f"infer_{name}",
            conn_id=f"{{{{ params.variant_{name}.conn_id }}}}",
            input="{{ params.source }}",
            output_uri=f"{DATA}/answers-{name}.jsonl",
            variant=name,
            options={
                "model": f"{{{{ params.variant_{name}.model }}}}",
                # absent or "" means the connection's prices (only allowed with the connection's model)
                "price_input_per_1k": f"{{{{ params.variant_{name}.get('price_input_per_1k', '') }}}}",
                "price_output_per_1k": f"{{{{ params.variant_{name}.get('price_output_per_1k', '') }}}}",
                "prompt_template": f"{{{{ params.variant_{name}.prompt_template }}}}",
                "max_tokens": 96,
            },
            pool="podstage_llm",
        )

    store = StoreOperator(
        task_id="store",
        input=[variants["a"].output, variants["b"].output],
        output_uri=f"{DATA}/store-receipt.jsonl",
        kind="results",
        trigger_rule="none_failed_min_one_success",
    )
    evaluate = EvaluateOperator(
        task_id="evaluate",
        variant_a="a",
        variant_b="b",
        references="{{ params.references }}",
        output_uri=f"{DATA}/report.html",
        options={"rule": "{{ params.rule }}", "run_id": EVALUATED_RUN_ID},
    )
    approve = PodstageApprovalOperator(
        task_id="approve",
        subject="Promote variant {{ ti.xcom_pull(task_ids='evaluate')['winner'] }}?",
        body=(
            "Evaluation of variant a against variant b: winner "
            "**{{ ti.xcom_pull(task_ids='evaluate')['winner'] }}**. "
            "Report: {{ ti.xcom_pull(task_ids='evaluate')['report_uri'] | default('(see evaluate XCom)') }}"
        ),
        auto_approve="{{ params.auto_approve or var.value.get('podstage_auto_approve', 'false') }}",
    )

    @task
    def promote(result: Any) -> dict[str, Any]:
        context = get_current_context()
        winner = (result or {}).get("winner")
        if winner not in ("a", "b"):
            raise AirflowSkipException(f"no variant to promote: evaluation says {winner!r}")
        promoted = {
            "winner": winner,
            "variant": context["params"][f"variant_{winner}"],
            "report_uri": result.get("report_uri"),
            "run_id": context["run_id"],
        }
        Variable.set(WINNER_VARIABLE, json.dumps(promoted, sort_keys=True))
        return promoted

    @task(trigger_rule="none_failed_min_one_success")
    def run_summary(answers_a: Any, answers_b: Any, stored: Any, evaluated: Any, promoted: Any) -> dict[str, Any]:
        return summary.record_run(
            {
                # which variants ran (not split's XCom: a branch skips every direct downstream it did not pick)
                "variants_run": [name for name, value in (("a", answers_a), ("b", answers_b)) if value],
                "stages": {
                    "infer_a": summary.stage_totals([answers_a]),
                    "infer_b": summary.stage_totals([answers_b]),
                    "store": summary.stage_totals([stored]),
                    "evaluate": summary.stage_totals([evaluated]),
                },
                "winner": (evaluated or {}).get("winner"),
                "evaluation": summary.evaluation(
                    evaluated, {"a": (answers_a or {}).get("model"), "b": (answers_b or {}).get("model")}
                ),
                "promoted": promoted,
            },
        )

    branch = split()
    branch >> [variants["a"], variants["b"]]
    promoted = promote(evaluate.output)
    store >> evaluate >> approve >> promoted
    run_summary.override(task_id="summary")(
        variants["a"].output, variants["b"].output, store.output, evaluate.output, promoted
    )
