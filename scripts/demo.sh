#!/usr/bin/env bash
# The main job: the example workflows end to end through Airflow itself.
#   builds the stages, starts PostgreSQL, Redis and the LLM simulator, creates the pinned Airflow
#   venv with the provider, then runs the three example DAGs with `airflow dags test` — twice: the
#   second pass shows the ledger and the cache at work (skipped work, near-zero cost) — and prints
#   a summary table: records per stage, cache hits, cost, p95 latency; then the A/B test's two variants
#   (a small and a large model) side by side — quality against the sample references, cost per record,
#   p95 latency — and the winner the evaluate stage's rule picks.
#
# Backend: PODSTAGE_EXECUTION=local (default here: each stage as a local process), podman (the
# stage images, built first with images/build.sh) or kubernetes: every stage a pod of the one-node
# cluster scripts/cluster.sh starts (the images pulled from its registry, Redis, PostgreSQL and the
# simulator as pods too; stopped at the end unless PODSTAGE_KEEP_CLUSTER=1).
# Real endpoint: PODSTAGE_DEMO_ENDPOINT=https://…/v1 PODSTAGE_DEMO_MODEL=… [PODSTAGE_DEMO_MODEL_B=…]
#   PODSTAGE_INFER_API_KEY=… bash scripts/demo.sh   (prices: PODSTAGE_DEMO_PRICES[_B]=in,out USD per 1k tokens)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${PODSTAGE_DEMO_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/podstage/demo}
rm -rf "$WORK" && mkdir -p "$WORK"

scripts/services.sh start
eval "$(scripts/services.sh env)"
. scripts/java-home.sh
echo "demo: building the stages ($(java -version 2>&1 | head -1))"
mvn -B -ntp -q install -DskipTests
export PODSTAGE_EXECUTION=${PODSTAGE_EXECUTION:-local}
if [ "$PODSTAGE_EXECUTION" != local ]; then
  images/build.sh >/dev/null
fi
VENV=$(scripts/airflow-venv.sh)

SIM_PID=
cleanup() {
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null
  if [ "$PODSTAGE_EXECUTION" = kubernetes ] && [ -z "${PODSTAGE_KEEP_CLUSTER:-}" ]; then
    scripts/cluster.sh stop >/dev/null 2>&1
  fi
  true
}
trap cleanup EXIT

if [ "$PODSTAGE_EXECUTION" = kubernetes ]; then
  if [ -n "${PODSTAGE_DEMO_ENDPOINT:-}" ]; then
    echo "demo: the cluster's pods reach only each other: PODSTAGE_DEMO_ENDPOINT works on the local and podman backends"
    exit 2
  fi
  scripts/cluster.sh start
  scripts/cluster.sh push-images
  # The namespace (Pod Security restricted, the data volume on $WORK/data), the services as pods and the
  # Airflow environment that points the DAGs at them: integration-tests/kubernetes/cluster_services.py.
  env_file=$WORK/cluster.env
  PYTHONPATH=integration-tests/kubernetes:integration-tests/airflow:provider/tests \
    "$VENV/bin/python" integration-tests/kubernetes/cluster_services.py env podstage-demo "$WORK" >"$env_file"
  . "$env_file"
  echo "demo: on the one-node cluster: stages in namespace podstage-demo, Redis, PostgreSQL and the LLM simulator in podstage-services"
else # local and podman: the host's Redis and PostgreSQL, the simulator as a process, down to the matching fi

# The A/B test compares two connections: podstage_llm (variant a, the model in production; the LLM
# batch uses it too) and podstage_llm_candidate (variant b).
if [ -n "${PODSTAGE_DEMO_ENDPOINT:-}" ]; then
  ENDPOINT=$PODSTAGE_DEMO_ENDPOINT
  MODEL_A=${PODSTAGE_DEMO_MODEL:?set PODSTAGE_DEMO_MODEL with PODSTAGE_DEMO_ENDPOINT}
  MODEL_B=${PODSTAGE_DEMO_MODEL_B:-$MODEL_A}
  PRICES_A=${PODSTAGE_DEMO_PRICES:-0.00015,0.0006}       # USD per 1k input, output tokens
  PRICES_B=${PODSTAGE_DEMO_PRICES_B:-$PRICES_A}
  PROTOCOL=${PODSTAGE_DEMO_PROTOCOL:-openai-chat}
  echo "demo: real endpoint $ENDPOINT, models $MODEL_A (a) and $MODEL_B (b)"
else
  # Two simulated models (see integration-tests/llm-sim/README.md): the small one answers fast and cheap
  # but knows 45% of the sample references; the large one is slower, bills 48 reasoning tokens per
  # answer at a higher price and knows 90%. Outputs derive from the input: every run gives the same table.
  MODEL_A=sim-chat-small PRICES_A=0.00015,0.0006
  MODEL_B=sim-chat-large PRICES_B=0.0025,0.01
  java -jar integration-tests/llm-sim/target/llm-sim.jar --port 0 --latency-ms 40 --jitter-ms 20 \
    --failure-rate 0.03 --failure-types 503,429 --retry-after-s 1 \
    --answers dags/data/references.jsonl \
    --model-profile "$MODEL_A=latency_ms:30,quality:0.45" \
    --model-profile "$MODEL_B=latency_ms:250,quality:0.9,reasoning_tokens:48" >"$WORK/sim.log" 2>&1 &
  SIM_PID=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$WORK/sim.log" 2>/dev/null && break; sleep 0.1; done
  ENDPOINT=$(grep -o 'http://[^ ]*' "$WORK/sim.log" | head -1)
  [ -n "$ENDPOINT" ] || { echo "demo: the simulator did not start"; cat "$WORK/sim.log"; exit 1; }
  ENDPOINT=$ENDPOINT/v1
  PROTOCOL=openai-chat
  echo "demo: LLM simulator at $ENDPOINT: $MODEL_A 30 ms, $MODEL_B 250 ms (±20 ms; 3% of requests fail with 503/429)"
fi

export AIRFLOW_HOME=$WORK/airflow AIRFLOW__CORE__DAGS_FOLDER=$ROOT/dags AIRFLOW__CORE__LOAD_EXAMPLES=False
export PODSTAGE_DATA_DIR=$WORK/data PODSTAGE_SUMMARY_DIR=$WORK/summaries
# The demo's own Redis database, emptied first: pass 1 is cold (it pays), pass 2 is answered by the ledger and the cache.
export PODSTAGE_REDIS_URL=${PODSTAGE_TEST_REDIS_URL%/}/2
redis-cli -u "$PODSTAGE_REDIS_URL" FLUSHDB >/dev/null
export PODSTAGE_DB_URL=$PODSTAGE_TEST_DB_URL \
  PODSTAGE_DB_USER=$PODSTAGE_TEST_DB_USER PODSTAGE_DB_PASSWORD=$PODSTAGE_TEST_DB_PASSWORD
connection() { # connection MODEL PRICES: a podstage_inference connection to $ENDPOINT (JSON)
  python3 -c '
import json, os, sys
price_in, price_out = (float(p) for p in sys.argv[4].split(","))
print(json.dumps({"conn_type": "podstage_inference", "password": os.environ.get("PODSTAGE_INFER_API_KEY", ""),
                  "extra": {"endpoints": [sys.argv[1]], "protocol": sys.argv[2], "model": sys.argv[3],
                            "price_input_per_1k": price_in, "price_output_per_1k": price_out}}))' \
    "$ENDPOINT" "$PROTOCOL" "$1" "$2"
}
AIRFLOW_CONN_PODSTAGE_LLM=$(connection "$MODEL_A" "$PRICES_A")
AIRFLOW_CONN_PODSTAGE_LLM_CANDIDATE=$(connection "$MODEL_B" "$PRICES_B")
export AIRFLOW_CONN_PODSTAGE_LLM AIRFLOW_CONN_PODSTAGE_LLM_CANDIDATE
mkdir -p "$PODSTAGE_DATA_DIR" "$PODSTAGE_SUMMARY_DIR"
"$VENV/bin/airflow" db migrate >"$WORK/airflow-db.log" 2>&1 || { tail -20 "$WORK/airflow-db.log"; exit 1; }
"$VENV/bin/airflow" pools import airflow-config/pools.json >/dev/null
fi # backend

dag() { # dag PASS DAG_ID [airflow dags test args...]
  local pass=$1 dag_id=$2 log
  shift 2
  log=$WORK/$dag_id.pass$pass.log
  echo "demo: pass $pass: airflow dags test $dag_id $*"
  if ! "$VENV/bin/airflow" dags test "$dag_id" "$@" >"$log" 2>&1; then
    tail -40 "$log"
    echo "demo: $dag_id failed (log: $log)"
    exit 1
  fi
  cp "$PODSTAGE_SUMMARY_DIR/$dag_id.json" "$WORK/summary-$dag_id.pass$pass.json"
}

for pass in 1 2; do
  dag "$pass" podstage_rag_ingest
  dag "$pass" podstage_llm_batch
  dag "$pass" podstage_ab_test -c '{"force": "both", "auto_approve": true}'
done

python3 - "$WORK" <<'PY'
import json, sys
from pathlib import Path

work = Path(sys.argv[1])
print()
print(f"{'dag / stage':34} {'pass':>4} {'in':>6} {'out':>6} {'done before':>11} {'cache hits':>10} {'cost $':>10} {'p95 ms':>7}")
for dag_id in ("podstage_rag_ingest", "podstage_llm_batch", "podstage_ab_test"):
    for p in (1, 2):
        summary = json.loads((work / f"summary-{dag_id}.pass{p}.json").read_text())
        for stage, t in (summary.get("stages") or {}).items():
            print(f"{dag_id + ' / ' + stage:34} {p:>4} {t.get('records_in', 0):>6} {t.get('records_out', 0):>6} "
                  f"{t.get('already_done', 0):>11} {t.get('cache_hits', 0):>10} {t.get('cost_usd', 0):>10.6f} "
                  f"{t.get('latency_p95_ms', 0):>7.0f}")
print()
print(f"{'A/B variant':12} {'pass':>4} {'model':16} {'quality':>7} {'exact':>6} {'$/record':>10} {'p95 ms':>7}")
for p in (1, 2):
    evaluation = json.loads((work / f"summary-podstage_ab_test.pass{p}.json").read_text()).get("evaluation") or {}
    for name, v in sorted((evaluation.get("variants") or {}).items()):
        number = lambda key, fmt: format(v[key], fmt) if v.get(key) is not None else "-"
        print(f"{name:12} {p:>4} {v.get('model') or '-':16} {number('quality', '.3f'):>7} "
              f"{number('exact_match', '.2f'):>6} {number('cost_per_record_usd', '.6f'):>10} "
              f"{number('latency_p95_ms', '.0f'):>7}")
ab = json.loads((work / "summary-podstage_ab_test.pass2.json").read_text())
evaluation = ab.get("evaluation") or {}
print()
print(f"A/B winner: {ab.get('winner')} ({evaluation.get('verdict')}, decided by {evaluation.get('decided_by')} "
      f"under the rule {','.join(evaluation.get('rule') or [])}; promoted: {bool(ab.get('promoted'))})")
for reason in evaluation.get("reasons") or []:
    print(f"  {reason}")
print(f"Work, logs and summaries: {work}")
PY
