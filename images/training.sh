# Sourced by images/build.sh: the training run of each stage image. The JVM records which classes a
# real run loads (and, on JDK 25, method profiles) into the class archive the final image starts
# with, so the run should look like production: a small real job with the ledger, the cache and
# the metrics on, as a pod runs it (non-root, read-only root, /airflow/xcom and data volumes).

# run_in_pod IMAGE WORK ARCHIVE_FLAG STAGE_ARGS...: one run of IMAGE as the pod would do it.
run_in_pod() {
  local image=$1 work=$2 archive_flag=$3
  shift 3
  mkdir -p "$work/data" "$work/xcom" "$work/aot"
  chmod 0777 "$work/data" "$work/xcom" "$work/aot"
  local db_url=${PODSTAGE_TEST_DB_URL:-}
  eval "$("$REPO/scripts/services.sh" env)"
  [ -n "$db_url" ] && PODSTAGE_TEST_DB_URL=$db_url
  podman run --rm --read-only --network host --pull never \
    -v "$work/data:/data" -v "$work/xcom:/airflow/xcom" -v "$work/aot:/aot" \
    -e "JAVA_TOOL_OPTIONS=$archive_flag" \
    -e AIRFLOW_CTX_DAG_ID=podstage_image_training -e AIRFLOW_CTX_TASK_ID=train -e AIRFLOW_CTX_RUN_ID=training \
    -e "PODSTAGE_REDIS_URL=$PODSTAGE_TEST_REDIS_URL" \
    -e "PODSTAGE_DB_URL=$PODSTAGE_TEST_DB_URL" -e "PODSTAGE_DB_USER=$PODSTAGE_TEST_DB_USER" \
    -e "PODSTAGE_DB_PASSWORD=$PODSTAGE_TEST_DB_PASSWORD" \
    "$image" "$@" >"$work/train.log" 2>&1 || { tail -30 "$work/train.log" >&2; return 1; }
}

# Records {id, text} for training runs: a different set each time, so nothing comes from the cache.
training_records() { # training_records COUNT FILE
  python3 - "$1" "$2" <<'EOF'
import json, sys, uuid
words = "invoice shipment refund warranty battery login billing outage latency report contract".split()
run = uuid.uuid4().hex[:8]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for i in range(int(sys.argv[1])):
        text = " ".join(words[(i * 7 + k) % len(words)] for k in range(8 + i % 9))
        out.write(json.dumps({"id": f"train-{run}-{i}", "text": f"{run} {i}: {text}."}) + "\n")
EOF
}

train_infer() { # against the LLM simulator on the host, batched and concurrent
  local image=$1 work=$2 archive_flag=$3 port sim_pid rc=0
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  java -jar "$REPO/integration-tests/llm-sim/target/llm-sim.jar" --port "$port" --latency-ms 5 >"$work/sim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 100); do grep -q "listening" "$work/sim.log" 2>/dev/null && break; sleep 0.1; done
  mkdir -p "$work/data"
  training_records 500 "$work/data/in.jsonl"
  run_in_pod "$image" "$work" "$archive_flag" --input /data/in.jsonl --output /data/out.jsonl \
    --endpoint "http://127.0.0.1:$port" --protocol inputs --batch-size 16 --max-in-flight 4 || rc=$?
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
  return "$rc"
}

train_ingest() { # records into shards, with the ledger on
  mkdir -p "$2/data"
  training_records 300 "$2/data/in.jsonl"
  run_in_pod "$1" "$2" "$3" --input /data/in.jsonl --output /data/shards --shards 4
}

train_preprocess() { # HTML stripped, chunked, deduplicated
  mkdir -p "$2/data"
  training_records 300 "$2/data/plain.jsonl"
  sed 's|"text": "\([^"]*\)"|"text": "<p>\1</p> <p>\1</p>"|' "$2/data/plain.jsonl" >"$2/data/in.jsonl"
  run_in_pod "$1" "$2" "$3" --input /data/in.jsonl --output /data/chunks.jsonl --strip html,markdown --chunk-tokens 16 \
    --chunk-overlap 4
}

train_embed() { # the model loaded and a few batches encoded (cache on)
  mkdir -p "$2/data"
  training_records 128 "$2/data/in.jsonl"
  run_in_pod "$1" "$2" "$3" --input /data/in.jsonl --output /data/vectors.jsonl --batch-size 16
}

# Stored results of the training runs live in a schema of their own, emptied before each build.
TRAINING_SCHEMA=podstage_image_training

training_schema() { # recreates the schema; prints PODSTAGE_DB_URL for it
  eval "$("$REPO/scripts/services.sh" env)"
  PGPASSWORD=$PODSTAGE_TEST_DB_PASSWORD "$PODSTAGE_PG_BIN/psql" -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -U "$PODSTAGE_TEST_DB_USER" podstage \
    -c "SET client_min_messages TO warning" -c "DROP SCHEMA IF EXISTS $TRAINING_SCHEMA CASCADE" -c "CREATE SCHEMA $TRAINING_SCHEMA" >&2
  echo "$PODSTAGE_TEST_DB_URL?search_path=$TRAINING_SCHEMA"
}

# Answers as infer writes them, for variant VARIANT (questions q000..), and FILE.references.
training_results() { # training_results VARIANT COUNT FILE
  python3 - "$1" "$2" "$3" <<'EOF'
import json, sys
variant, count, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w", encoding="utf-8") as out:
    for i in range(count):
        right = (i % 3 != 0) if variant == "a" else (i % 2 == 0)
        out.write(json.dumps({
            "id": f"q{i:03d}", "output": f"answer {i}" if right else f"something else {i}",
            "usage": {"input_tokens": 20 + i % 7, "output_tokens": 12, "cost_usd": 0.00002 if variant == "a" else 0.00005},
            "latency_ms": 40 + i % 11 + (0 if variant == "a" else 30), "endpoint": "http://llm.example:8080",
            "cached": i % 5 == 0, "model": f"model-{variant}", "variant": variant}) + "\n")
with open(path + ".references", "w", encoding="utf-8") as out:
    for i in range(count):
        out.write(json.dumps({"id": f"q{i:03d}", "reference": f"answer {i}"}) + "\n")
EOF
}

train_store() { # a variant's answers upserted in batches, with the ledger on
  local db_url
  db_url=$(training_schema)
  mkdir -p "$2/data"
  training_results a 200 "$2/data/results.jsonl"
  PODSTAGE_TEST_DB_URL=$db_url run_in_pod "$1" "$2" "$3" --input /data/results.jsonl --output /data/receipt.json --batch-size 50
}

train_evaluate() { # two variants stored by the store image, then judged with references and MiniLM similarity
  local db_url store_image=localhost/podstage/podstage-store:$version-jib variant
  if ! podman image exists "$store_image"; then
    log "evaluate: no store image to seed the results with: archiving start-up classes only (--help)"
    run_in_pod "$1" "$2" "$3" --help
    return
  fi
  db_url=$(training_schema)
  mkdir -p "$2/data"
  for variant in a b; do
    training_results "$variant" 120 "$2/data/results-$variant.jsonl"
    PODSTAGE_TEST_DB_URL=$db_url run_in_pod "$store_image" "$2" "" --input "/data/results-$variant.jsonl" \
      --output "/data/receipt-$variant.json"
  done
  cp "$2/data/results-a.jsonl.references" "$2/data/references.jsonl"
  PODSTAGE_TEST_DB_URL=$db_url run_in_pod "$1" "$2" "$3" --variant-a a --variant-b b \
    --references /data/references.jsonl --output /data/report.html
}

# train_stage STAGE IMAGE WORK ARCHIVE_FLAG: the stage's own training run, or --help for a stage
# that has none yet (start-up classes only).
train_stage() {
  local stage=$1
  shift
  "$REPO/scripts/services.sh" start >/dev/null
  if declare -F "train_$stage" >/dev/null; then
    "train_$stage" "$@"
  else
    log "$stage: no training run defined: archiving start-up classes only (--help)"
    run_in_pod "$1" "$2" "$3" --help
  fi
}
