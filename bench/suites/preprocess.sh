# Sourced by bench/run: `bench/run preprocess`. See bench/README.md for what the figures mean.
#
# The preprocess stage against a plain Python baseline doing the same steps, both pinned to one
# core, on the same generated corpus of mixed HTML / Markdown / plain-text documents; then the
# ingest stage's rate on the same corpus. The run fails when the two preprocess outputs differ.

PREPROCESS_DOCS=${PODSTAGE_BENCH_PREPROCESS_DOCS:-20000}
PREPROCESS_CHUNK_TOKENS=256
PREPROCESS_OVERLAP=32
# The stages' JVMs as in their pods: the image's flags, the heap sized from the pod's memory limit.
PREPROCESS_JVM_FLAGS="$PODSTAGE_JVM_FLAGS $(stage_pod_ram_flag preprocess)"
INGEST_JVM_FLAGS="$PODSTAGE_JVM_FLAGS $(stage_pod_ram_flag ingest)"
PREPROCESS_SHARDS=8

stage_jar() { echo "$REPO/operators/$1/target/quarkus-app/quarkus-run.jar"; }

# Builds a stage jar when missing: through the root pom once the module is listed there, else alone
# (the parent, runtime and testkit must then be installed in ~/.m2).
ensure_stage_jar() { # ensure_stage_jar MODULE
  [ -f "$(stage_jar "$1")" ] && return 0
  log "building operators/$1 (mvn -DskipTests)"
  (cd "$REPO" && { mvn -B -ntp -q install -DskipTests -pl "operators/$1" -am 2>/dev/null \
    || mvn -B -ntp -q -f "operators/$1/pom.xml" package -DskipTests; }) || die "cannot build operators/$1"
}

# One core: taskset pins the process (the JVM's compiler and GC threads too), and
# -XX:ActiveProcessorCount=1 makes the JVM size itself for one CPU.
pin_one_core() { # pin_one_core: the command prefix, words on one line
  if command -v taskset >/dev/null 2>&1; then echo taskset -c 0; fi
}

run_python_preprocess() { # run_python_preprocess INPUT
  local dir=$WORK/runs/preprocess-python t0 t1
  rm -rf "$dir" && mkdir -p "$dir"
  log "python: baseline_preprocess.py on one core"
  t0=$(now_ns)
  # shellcheck disable=SC2046 # the prefix is words
  $(pin_one_core) "$PY" "$BENCH_DIR/python/baseline_preprocess.py" --input "$1" --output "$dir/out.jsonl" \
    --chunk-tokens "$PREPROCESS_CHUNK_TOKENS" --chunk-overlap "$PREPROCESS_OVERLAP" --label python \
    >"$dir/stdout" 2>"$dir/stderr" || { cat "$dir/stderr" >&2; die "the python baseline failed"; }
  t1=$(now_ns)
  figure python_seconds "$(kv "$dir/stdout" python_seconds)"
  figure python_wall_s "$(calc "($t1 - $t0) / 1e9" 3)"
  figure python_records_per_s "$(kv "$dir/stdout" python_records_per_s)"
  figure python_chunks "$(kv "$dir/stdout" python_chunks)"
}

run_java_stage() { # run_java_stage PREFIX MODULE [JVM FLAGS...] -- STAGE ARGS...: a stage on one core; prints wall ms
  local prefix=$1 module=$2 dir=$WORK/runs/preprocess-$1 jvm=(-XX:ActiveProcessorCount=1) t0 t1
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do jvm+=("$1"); shift; done
  shift
  rm -rf "$dir" && mkdir -p "$dir"
  log "$prefix: $(pin_one_core) java ${jvm[*]} -jar $module"
  t0=$(now_ns)
  # shellcheck disable=SC2046 # the prefix is words
  env -u PODSTAGE_DB_URL -u PODSTAGE_DB_PASSWORD -u PODSTAGE_REDIS_URL \
    PODSTAGE_XCOM_PATH="$dir/return.json" PODSTAGE_METRICS_ENABLED=false PODSTAGE_PROGRESS_INTERVAL=0 \
    $(pin_one_core) java "${jvm[@]}" -jar "$(stage_jar "$module")" "$@" >"$dir/log" 2>&1 \
    || { tail -40 "$dir/log" >&2; die "$prefix: the stage failed"; }
  t1=$(now_ns)
  calc "($t1 - $t0) / 1e6" 0
}

record_java_rates() { # record_java_rates PREFIX RECORDS WALL_MS
  local dir=$WORK/runs/preprocess-$1 stage_ms
  stage_ms=$(json_field "$dir/return.json" metrics.duration_ms)
  figure "$1_stage_s" "$(calc "$stage_ms / 1000" 3)"
  figure "$1_wall_s" "$(calc "$3 / 1000" 3)"
  figure "$1_records_per_s" "$(calc "$2 * 1000 / $stage_ms")"
  figure "$1_wall_records_per_s" "$(calc "$2 * 1000 / $3")"
}

run_java_preprocess() { # run_java_preprocess PREFIX INPUT [JVM FLAGS...]
  local prefix=$1 input=$2 wall dir=$WORK/runs/preprocess-$1
  shift 2
  wall=$(run_java_stage "$prefix" preprocess "$@" -- --input "$input" --output "$dir/out.jsonl" \
    --strip html,markdown --chunk-tokens "$PREPROCESS_CHUNK_TOKENS" --chunk-overlap "$PREPROCESS_OVERLAP")
  [ "$(json_field "$dir/return.json" records_in)" = "$PREPROCESS_DOCS" ] || die "$prefix: records_in is not $PREPROCESS_DOCS"
  record_java_rates "$prefix" "$PREPROCESS_DOCS" "$wall"
  figure "${prefix}_chunks" "$(json_field "$dir/return.json" records_out)"
}

# The two outputs must be the same work: the same chunk ids with the same texts.
same_chunks_ratio() { # same_chunks_ratio JAVA_OUT PYTHON_OUT
  "$PY" - "$1" "$2" <<'PYEOF'
import json
import sys


def chunks(path):
    with open(path, encoding="utf-8") as lines:
        return {r["id"]: r["text"] for r in map(json.loads, lines)}


java, python = chunks(sys.argv[1]), chunks(sys.argv[2])
same = sum(1 for key, text in java.items() if python.get(key) == text)
print(f"{same / max(len(java), len(python), 1):.4f}")
PYEOF
}

# A class archive of the preprocess jar (JDK AOT cache on 25+, AppCDS on 17), made by a training run on
# other documents (another seed) with the image flags, as an image build makes it; remade when the jar
# or the JDK changes. Prints the JVM flags that use it.
preprocess_archive() {
  local jar archive=$WORK/preprocess-archive/preprocess.jsa train=$WORK/documents-train-1000.jsonl stamp
  jar=$(stage_jar preprocess)
  stamp="$(sha256sum "$jar" "$(dirname "$jar")"/lib/main/*.jar | sha256sum | cut -c1-16) $(stat -c %Y "$jar") $(java -version 2>&1 | head -1) $PREPROCESS_JVM_FLAGS"
  if [ -f "$archive" ] && [ "$(cat "$archive.stamp" 2>/dev/null)" = "$stamp" ]; then
    stage_jvm_archive_flags use "$archive"
    return 0
  fi
  rm -rf "$(dirname "$archive")" && mkdir -p "$(dirname "$archive")"
  [ -f "$train" ] || "$PY" "$BENCH_DIR/python/gen_documents.py" --count 1000 --seed 7 --output "$train"
  log "training run for the preprocess class archive (not measured)"
  # shellcheck disable=SC2086 # the flags are words
  run_java_stage train preprocess $PREPROCESS_JVM_FLAGS "$(stage_jvm_archive_flags train "$archive")" -- \
    --input "$train" --output "$WORK/runs/preprocess-train/out.jsonl" --strip html,markdown >/dev/null
  [ -f "$archive" ] || die "the training run wrote no class archive $archive"
  echo "$stamp" >"$archive.stamp"
  stage_jvm_archive_flags use "$archive"
}

bench_preprocess() {
  local input=$WORK/documents-$PREPROCESS_DOCS.jsonl tuned python same wall
  ensure_venv
  ensure_stage_jar preprocess
  ensure_stage_jar ingest
  note_load
  command -v taskset >/dev/null 2>&1 || log "warning: no taskset: runs are not pinned to one core"
  [ -f "$input" ] || "$PY" "$BENCH_DIR/python/gen_documents.py" --count "$PREPROCESS_DOCS" --output "$input"
  tuned="$PREPROCESS_JVM_FLAGS $(preprocess_archive)"

  figure documents "$PREPROCESS_DOCS"
  figure corpus_mb "$(calc "$(stat -c %s "$input") / 1048576" 1)"
  figure chunk_tokens "$PREPROCESS_CHUNK_TOKENS"
  figure chunk_overlap "$PREPROCESS_OVERLAP"

  # (a) Python, one core: html.parser, unicodedata, re, the same chunking rule.
  run_python_preprocess "$input"

  # (b) the preprocess stage, one core, started as the stage image starts it: short-task flags and a class archive.
  # shellcheck disable=SC2086 # the flags are words
  run_java_preprocess java "$input" $tuned
  figure java_flags "\"$tuned\""
  same=$(same_chunks_ratio "$WORK/runs/preprocess-java/out.jsonl" "$WORK/runs/preprocess-python/out.jsonl")
  figure same_chunks_ratio "$same"
  awk "BEGIN { exit !($same >= 0.99) }" || die "the Java and Python outputs differ (same_chunks_ratio=$same)"

  # (c) the same as a plain `java -jar`: C1 and C2 compilers, no archive.
  run_java_preprocess java_plain "$input"

  # (d) ingest on one core, image flags: the same corpus (JSON Lines) into shards.
  # shellcheck disable=SC2086
  wall=$(run_java_stage ingest ingest $INGEST_JVM_FLAGS -- --input "$input" \
    --output "$WORK/runs/preprocess-ingest/shards" --shards "$PREPROCESS_SHARDS")
  [ "$(json_field "$WORK/runs/preprocess-ingest/return.json" records_out)" = "$PREPROCESS_DOCS" ] \
    || die "ingest: records_out is not $PREPROCESS_DOCS"
  record_java_rates ingest "$PREPROCESS_DOCS" "$wall"

  python=$(rate python_records_per_s)
  figure ratio_plain_vs_python "$(calc "$(rate java_plain_records_per_s) / $python" 2)"
  figure headline_ratio_vs_python "$(calc "$(rate java_records_per_s) / $python" 2)"

  printf '%s\n' "${FIGURES[@]}"
  append_results "preprocess: $PREPROCESS_DOCS mixed documents, one core, chunks of $PREPROCESS_CHUNK_TOKENS tokens"
}
