# bench/run startup: start-to-exit of a no-op stage run (an empty input: config, ledger/cache off,
# nothing to do, XCom written, exit 0), median of STARTUP_RUNS runs each:
#   host_plain        java -jar (aot-jar), no flags
#   host_tuned        the short-task flags + the class archive (scripts/stage-jvm.sh), as images run it
#   host_native       the native executable (scripts/native-stages.sh infer; built once, cached; every stage's
#                     is resolved first, before any class archive is trained: see native_stages_first)
#   podman_stage      the stage image under podman, as a pod runs it (--read-only, volumes)
#   podman_floor      podman run --entrypoint /bin/true on the same image: the container floor
#   python_imports    a Python process importing airflow.sdk, requests, redis (the Airflow venv)
# and, started like host_tuned (same flags, each with its own class archive), the floors under it:
#   floor_java        a one-class Java program that prints a line
#   floor_quarkus_hello, floor_extensions, floor_extensions_orm
#                     Quarkus command-mode apps that do nothing (bench/floor): picocli only; plus the
#                     runtime's extensions but Hibernate Reactive; plus Hibernate Reactive and an entity
# plus image sizes; and a small real run of every stage (the sample documents through ingest, preprocess,
# embed and store; the 60 sample questions through infer against the simulator, as two A/B variants
# stored and evaluated), natively (run_native_STAGE_ms) and on the JVM as its image starts it, with a
# class archive trained on the same run (run_jvm_STAGE_ms), each against the Python task's imports.
# Headlines: python_imports / host_tuned and python_imports / host_native.

STARTUP_RUNS=${STARTUP_RUNS:-10}

# median_ms CMD...: runs CMD STARTUP_RUNS times (after one warm-up), prints the median wall ms. BEFORE_EACH,
# when set, is a command run (untimed) before every run: what makes a run's work real again (a ledger row).
median_ms() {
  local i t0 t1 times=()
  ${BEFORE_EACH:-true}
  "$@" >/dev/null 2>&1 || die "failed: $*"
  for i in $(seq 1 "$STARTUP_RUNS"); do
    ${BEFORE_EACH:-true}
    t0=$(now_ns)
    "$@" >/dev/null 2>&1 || die "failed: $*"
    t1=$(now_ns)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

FLOOR_DIR=$BENCH_DIR/floor
FLOORS="hello extensions extensions-orm"

ensure_floors() { # builds the floor apps when a jar is missing or older than its sources
  local floor stale=no
  for floor in $FLOORS; do
    local jar=$FLOOR_DIR/$floor/target/quarkus-app/quarkus-run.jar
    if [ ! -f "$jar" ] || [ -n "$(find "$FLOOR_DIR/$floor/src" "$FLOOR_DIR/$floor/pom.xml" "$FLOOR_DIR/common" "$FLOOR_DIR/pom.xml" \
      -newer "$jar" -print -quit)" ]; then
      stale=yes
    fi
  done
  [ "$stale" = yes ] || return 0
  log "building the start-up floors (bench/floor)"
  (cd "$FLOOR_DIR" && mvn -B -ntp -q package -DskipTests) || die "bench/floor did not build"
}

# floor_flags NAME JAR...: trains NAME's class archive with one run of JAR (JVM arguments may follow
# the jar), prints the flags that start it like host_tuned.
floor_flags() {
  local name=$1
  local archive=$WORK/startup/floor-$name.aot # a second local: words are expanded before local assigns
  shift
  # shellcheck disable=SC2086 # the flags are words
  java $INFER_JVM_FLAGS "$(stage_jvm_archive_flags train "$archive")" "$@" >/dev/null 2>&1 \
    || die "the training run of floor $name failed"
  [ -f "$archive" ] || die "floor $name: no class archive written"
  echo "$INFER_JVM_FLAGS $(stage_jvm_archive_flags use "$archive")"
}

measure_floors() {
  local floor flags hello=$WORK/startup/hello
  mkdir -p "$hello"
  printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' >"$hello/Hello.java"
  javac -d "$hello" "$hello/Hello.java" && jar cf "$hello/hello.jar" -C "$hello" Hello.class
  flags=$(floor_flags java -cp "$hello/hello.jar" Hello)
  # shellcheck disable=SC2086
  figure floor_java_ms "$(median_ms java $flags -cp "$hello/hello.jar" Hello)"
  ensure_floors
  for floor in $FLOORS; do
    local jar=$FLOOR_DIR/$floor/target/quarkus-app/quarkus-run.jar key
    key=$( [ "$floor" = hello ] && echo quarkus_hello || echo "${floor//-/_}")
    flags=$(floor_flags "$floor" -jar "$jar")
    # shellcheck disable=SC2086
    figure "floor_${key}_ms" "$(median_ms java $flags -jar "$jar")"
  done
  figure hibernate_reactive_start_ms "$(( $(rate floor_extensions_orm_ms) - $(rate floor_extensions_ms) ))"
  figure stage_over_floor_extensions_orm_ms "$(( $(rate host_tuned_ms) - $(rate floor_extensions_orm_ms) ))"
}

noop_host() { # noop_host [JVM FLAGS...]
  env -i PATH="$PATH" HOME="$HOME" PODSTAGE_XCOM_PATH="$WORK/startup/return.json" PODSTAGE_METRICS_ENABLED=false \
    java "$@" -jar "$INFER_JAR" --input "$WORK/startup/empty.jsonl" --output "$WORK/startup/out.jsonl" \
    --endpoint http://127.0.0.1:9 --protocol inputs
}

noop_native() { # noop_native EXECUTABLE: the same run as noop_host
  env -i PATH="$PATH" HOME="$HOME" PODSTAGE_XCOM_PATH="$WORK/startup/return.json" PODSTAGE_METRICS_ENABLED=false \
    "$1" --input "$WORK/startup/empty.jsonl" --output "$WORK/startup/out.jsonl" \
    --endpoint http://127.0.0.1:9 --protocol inputs
}

noop_podman() {
  podman run --rm --read-only -v "$WORK/startup:/data" -e PODSTAGE_METRICS_ENABLED=false \
    -e PODSTAGE_XCOM_PATH=/data/return-podman.json localhost/podstage/infer:0.1.0 \
    --input /data/empty.jsonl --output /data/out-podman.jsonl --endpoint http://127.0.0.1:9 --protocol inputs
}

# ---------------------------------------------------------------- a small real run per stage

SMALL_STAGES="ingest preprocess embed infer store evaluate"
SMALL_SCHEMA=bench_small

small_args() { # small_args STAGE: the stage's arguments; each reads what the stage before it wrote
  local small=$WORK/startup/small
  case $1 in
    ingest) echo "--input $REPO/dags/data/docs --output $small/shards --shards 1" ;;
    preprocess) echo "--input $small/shards/$(ls "$small/shards" | grep -m1 '\.jsonl$') --output $small/chunks.jsonl" \
      "--strip html,markdown" ;;
    embed) echo "--input $small/chunks.jsonl --output $small/vectors.jsonl --work-dir $small/embed-work" ;;
    infer) echo "--input $REPO/dags/data/questions.jsonl --output $small/answers-a.jsonl --endpoint $SIM_URL" \
      "--protocol inputs --variant a --model small" ;;
    store) echo "--input $small/vectors.jsonl --output $small/receipt.jsonl --kind chunks" ;;
    evaluate) echo "--variant-a a --variant-b b --references $REPO/dags/data/references.jsonl --output $small/report.html" ;;
  esac
}

small_env() { # small_env STAGE: the environment of its run (the database only where the stage needs it)
  echo "PATH=$PATH HOME=$HOME PODSTAGE_XCOM_PATH=$WORK/startup/small/return-$1.json PODSTAGE_METRICS_ENABLED=false"
  case $1 in
    store | evaluate)
      echo "PODSTAGE_DB_URL=postgresql://127.0.0.1:$STORE_PG_PORT/podstage?search_path=$SMALL_SCHEMA" \
        "PODSTAGE_DB_USER=podstage PODSTAGE_DB_PASSWORD=$STORE_DB_PASSWORD" ;;
  esac
}

# A rerun of store or evaluate finds its job done in the ledger and returns at once: forget it first.
small_reset() { store_psql "DELETE FROM $SMALL_SCHEMA.podstage_ledger" >/dev/null 2>&1 || true; }

small_native() { # small_native STAGE: the stage's run as its native executable
  # shellcheck disable=SC2046 # the environment and the arguments are words
  env -i $(small_env "$1") "${NATIVE_STAGE[$1]}" "$(stage_native_heap_flag "$1")" $(small_args "$1")
}

small_jvm() { # small_jvm STAGE [JVM FLAGS...]: the stage's run on the JVM, as its image starts it
  local stage=$1
  shift
  # shellcheck disable=SC2046 # the environment, the flags and the arguments are words
  env -i $(small_env "$stage") java $PODSTAGE_JVM_FLAGS $(stage_pod_ram_flag "$stage") "$@" \
    -jar "$REPO/operators/$stage/target/quarkus-app/quarkus-run.jar" $(small_args "$stage")
}

# The results evaluate compares: the answers of variant a (infer's small run) and of a variant b, stored.
small_results() {
  local small=$WORK/startup/small
  small_jvm infer >"$small/infer-a.log" 2>&1 || die "infer (variant a) failed: $small/infer-a.log"
  sed 's/--output [^ ]*/--output '"${small//\//\\/}"'\/answers-b.jsonl/; s/--variant a/--variant b/' \
    <<<"$(small_args infer)" >"$small/args-b"
  # shellcheck disable=SC2046
  env -i $(small_env infer) PODSTAGE_XCOM_PATH="$small/return-infer-b.json" \
    java -jar "$REPO/operators/infer/target/quarkus-app/quarkus-run.jar" $(cat "$small/args-b") \
    >"$small/infer-b.log" 2>&1 || die "infer (variant b) failed: $small/infer-b.log"
  # shellcheck disable=SC2046
  env -i $(small_env store) PODSTAGE_XCOM_PATH="$small/return-store-results.json" \
    java -jar "$REPO/operators/store/target/quarkus-app/quarkus-run.jar" \
    --input "$small/answers-a.jsonl" --input "$small/answers-b.jsonl" --output "$small/results-receipt.jsonl" \
    --kind results >"$small/store-results.log" 2>&1 || die "storing the A/B results failed: $small/store-results.log"
}

measure_stage_runs() {
  local small=$WORK/startup/small stage archive
  mkdir -p "$small"
  store_fresh_schema "$SMALL_SCHEMA"
  for stage in $SMALL_STAGES; do
    [ "$stage" = evaluate ] && small_results
    [ "$stage" = store ] || [ "$stage" = evaluate ] && BEFORE_EACH=small_reset || BEFORE_EACH=
    # The class archive, trained on this very run as an image build trains it on its sample run.
    archive=$small/$stage.aot
    $BEFORE_EACH
    small_jvm "$stage" "$(stage_jvm_archive_flags train "$archive")" >"$small/train-$stage.log" 2>&1 \
      || { tail -20 "$small/train-$stage.log" >&2; die "the training run of $stage failed"; }
    [ -f "$archive" ] || die "$stage: no class archive written"
    figure "run_native_${stage}_ms" "$(median_ms small_native "$stage")"
    figure "run_jvm_${stage}_ms" "$(median_ms small_jvm "$stage" "$(stage_jvm_archive_flags use "$archive")")"
    figure "run_jvm_over_native_$stage" "$(calc "$(rate "run_jvm_${stage}_ms") / $(rate "run_native_${stage}_ms")" 2)"
    figure "run_python_imports_over_native_$stage" "$(calc "$(rate python_imports_ms) / $(rate "run_native_${stage}_ms")" 2)"
  done
  BEFORE_EACH=
  local counts="" out
  for stage in $SMALL_STAGES; do
    out=$(json_field "$small/return-$stage.json" records_out)
    counts+="${counts:+, }$stage $out"
  done
  figure run_records_out "\"$counts\""
}

bench_startup() {
  local airflow_py=${PODSTAGE_AIRFLOW_VENV:-$HOME/.cache/podstage/airflow-venv}/bin/python tuned plain native
  ensure_jars
  . "$REPO/scripts/podman-env.sh"
  podman image exists localhost/podstage/infer:0.1.0 || die "build the images first: images/build.sh infer"
  [ -x "$airflow_py" ] || die "no Airflow venv at $airflow_py (scripts/airflow-venv.sh)"
  rm -rf "$WORK/startup" && mkdir -p "$WORK/startup" && chmod 0777 "$WORK/startup"
  : >"$WORK/startup/empty.jsonl"
  note_load
  ensure_venv
  start_services
  start_sim --latency-ms 5
  # shellcheck disable=SC2086 # the stages are words
  native_stages_first $SMALL_STAGES
  native=${NATIVE_STAGE[infer]}
  tuned="$INFER_JVM_FLAGS $(train_archive)"

  figure runs "$STARTUP_RUNS"
  plain=$(median_ms noop_host)
  figure host_plain_ms "$plain"
  # shellcheck disable=SC2086 # the flags are words
  figure host_tuned_ms "$(median_ms noop_host $tuned)"
  figure host_native_ms "$(median_ms noop_native "$native")"
  figure podman_stage_ms "$(median_ms noop_podman)"
  figure podman_floor_ms "$(median_ms podman run --rm --entrypoint /bin/true localhost/podstage/infer:0.1.0)"
  figure python_imports_ms "$(median_ms "$airflow_py" "$BENCH_DIR/python/baseline_startup.py")"
  figure podman_stage_over_floor_ms "$(( $(rate podman_stage_ms) - $(rate podman_floor_ms) ))"
  measure_floors
  measure_stage_runs
  local image
  for image in $(podman images --format '{{.Repository}}:{{.Tag}}' \
    | grep -E '^localhost/podstage/((ingest|preprocess|embed|infer|store|evaluate):|base-jre:)' | sort); do
    figure "image_mb_$(echo "${image#localhost/podstage/}" | tr ':.-' '___')" \
      "$(( $(podman image inspect --format '{{.Size}}' "$image") / 1000000 ))"
  done
  figure ratio_python_over_host_tuned "$(calc "$(rate python_imports_ms) / $(rate host_tuned_ms)" 2)"
  figure ratio_python_over_host_native "$(calc "$(rate python_imports_ms) / $(rate host_native_ms)" 2)"
  figure ratio_host_tuned_over_host_native "$(calc "$(rate host_tuned_ms) / $(rate host_native_ms)" 2)"
  printf '%s\n' "${FIGURES[@]}"
  append_results "startup: no-op stage run (infer, empty input), median of $STARTUP_RUNS"
}
