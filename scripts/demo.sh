#!/usr/bin/env bash
# The main job, until the Airflow side lands: builds the stages, starts Redis, PostgreSQL and the
# LLM simulator, runs `infer` on a sample file three times and prints what each run did:
#   1. cold      — batched, concurrent, deduplicated, fault-tolerant calls (the simulator injects 503/429)
#   2. same job  — the idempotency ledger returns the stored XCom: no work, no cost
#   3. new job   — same inputs, another output: every answer comes from the Redis cache
# Real endpoint: PODSTAGE_DEMO_ENDPOINT=https://… PODSTAGE_DEMO_MODEL=… PODSTAGE_INFER_API_KEY=… scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${PODSTAGE_DEMO_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/podstage/demo}
RECORDS=${PODSTAGE_DEMO_RECORDS:-2000}
mkdir -p "$WORK"

scripts/services.sh start
eval "$(scripts/services.sh env)"
. scripts/java-home.sh
echo "demo: building the stages ($(java -version 2>&1 | head -1))"
mvn -B -ntp -q install -DskipTests

SIM_PID=
cleanup() { [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null || true; }
trap cleanup EXIT

if [ -n "${PODSTAGE_DEMO_ENDPOINT:-}" ]; then
  ENDPOINT=$PODSTAGE_DEMO_ENDPOINT
  MODEL=${PODSTAGE_DEMO_MODEL:?set PODSTAGE_DEMO_MODEL with PODSTAGE_DEMO_ENDPOINT}
  PROTOCOL=${PODSTAGE_DEMO_PROTOCOL:-openai-chat}
  echo "demo: real endpoint $ENDPOINT, model $MODEL"
else
  java -jar integration-tests/llm-sim/target/llm-sim.jar --port 0 --latency-ms 40 --jitter-ms 20 \
    --failure-rate 0.03 --failure-types 503,429 --retry-after-s 1 > "$WORK/sim.log" 2>&1 &
  SIM_PID=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$WORK/sim.log" 2>/dev/null && break; sleep 0.1; done
  ENDPOINT=$(grep -o 'http://[^ ]*' "$WORK/sim.log" | head -1)
  [ -n "$ENDPOINT" ] || { echo "demo: the simulator did not start"; cat "$WORK/sim.log"; exit 1; }
  MODEL=sim-chat-small
  PROTOCOL=openai-chat
  echo "demo: LLM simulator at $ENDPOINT (40±20 ms, 3% of requests fail with 503/429)"
fi

# Sample: questions with ~10% duplicates and one malformed line, deterministic.
python3 - "$WORK/questions.jsonl" "$RECORDS" <<'PY'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
topics = ["retries", "caching", "sharding", "idempotency", "batching", "failover", "budgets", "metrics"]
with open(path, "w") as f:
    for i in range(n):
        q = i if i % 10 else i // 10  # every tenth question repeats an earlier one
        f.write(json.dumps({"id": f"q{i:05d}", "text": f"Explain {topics[q % len(topics)]} in AI workflows, case {q}."}) + "\n")
    f.write("{this line is not JSON}\n")
PY

run() { # run <label> <output>
  local label=$1 out=$2
  set +e
  PODSTAGE_XCOM_PATH="$WORK/$label.xcom.json" PODSTAGE_REDIS_URL=$PODSTAGE_TEST_REDIS_URL \
  PODSTAGE_DB_URL=$PODSTAGE_TEST_DB_URL PODSTAGE_DB_USER=$PODSTAGE_TEST_DB_USER \
  PODSTAGE_DB_PASSWORD=$PODSTAGE_TEST_DB_PASSWORD PODSTAGE_METRICS_ENABLED=false \
  java -jar operators/infer/target/quarkus-app/quarkus-run.jar \
    --input "$WORK/questions.jsonl" --output "$out" --endpoint "$ENDPOINT" --model "$MODEL" \
    --protocol "$PROTOCOL" --max-in-flight 32 --max-tokens 64 \
    --price-input-per-1k 0.00015 --price-output-per-1k 0.0006 --max-cost-usd 5 \
    --progress-interval 2s > "$WORK/$label.log" 2>&1
  local code=$?
  set -e
  echo "demo: run '$label' exited $code (log: $WORK/$label.log)"
  [ "$code" -eq 0 ] || { tail -20 "$WORK/$label.log"; exit "$code"; }
}

rm -f "$WORK"/*.xcom.json
run cold "$WORK/answers.jsonl"
run ledger "$WORK/answers.jsonl"
rm -f "$WORK/answers-copy.jsonl"
run cache "$WORK/answers-copy.jsonl"

python3 - "$WORK" <<'PY'
import json, sys, pathlib
work = pathlib.Path(sys.argv[1])
rows = []
for label, what in [("cold", "first run"), ("ledger", "same job again"), ("cache", "same inputs, new job")]:
    x = json.loads((work / f"{label}.xcom.json").read_text())
    m = x["metrics"]
    rows.append([what, x["status"], x["records_in"], x["records_out"], x["rejects"], m.get("requests", 0),
                 m.get("retries", 0), m.get("cache_hits", 0), m.get("deduplicated", 0),
                 f'${m.get("cost_usd", 0):.4f}', m.get("latency_p95_ms", 0), m.get("duration_ms", 0)])
head = ["run", "status", "in", "out", "rejects", "requests", "retries", "cache hits", "deduped", "cost", "p95 ms", "stage ms"]
widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
line = lambda r: "  ".join(str(v).rjust(w) for v, w in zip(r, widths))
print()
print(line(head)); print(line(["-" * w for w in widths]))
for r in rows: print(line(r))
print(f"\noutputs: {work}/answers.jsonl, rejects: {work}/answers.jsonl.rejects.jsonl")
PY
