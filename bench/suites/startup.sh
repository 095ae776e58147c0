# bench/run startup: start-to-exit of a no-op stage run (an empty input: config, ledger/cache off,
# nothing to do, XCom written, exit 0), median of STARTUP_RUNS runs each:
#   host_plain        java -jar (aot-jar), no flags
#   host_tuned        the short-task flags + the class archive (scripts/stage-jvm.sh), as images run it
#   host_native       the native executable (scripts/native-stages.sh infer; built once, cached)
#   podman_stage      the stage image under podman, as a pod runs it (--read-only, volumes)
#   podman_floor      podman run --entrypoint /bin/true on the same image: the container floor
#   python_imports    a Python process importing airflow.sdk, requests, redis (the Airflow venv)
# and, started like host_tuned (same flags, each with its own class archive), the floors under it:
#   floor_java        a one-class Java program that prints a line
#   floor_quarkus_hello, floor_extensions, floor_extensions_orm
#                     Quarkus command-mode apps that do nothing (bench/floor): picocli only; plus the
#                     runtime's extensions but Hibernate Reactive; plus Hibernate Reactive and an entity
# plus image sizes. Headlines: python_imports / host_tuned and python_imports / host_native.

STARTUP_RUNS=${STARTUP_RUNS:-10}

median_ms() { # median_ms CMD...: runs CMD STARTUP_RUNS times (after one warm-up), prints the median wall ms
  local i t0 t1 times=()
  "$@" >/dev/null 2>&1 || die "failed: $*"
  for i in $(seq 1 "$STARTUP_RUNS"); do
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
  tuned="$INFER_JVM_FLAGS $(train_archive)"
  native=$("$REPO/scripts/native-stages.sh" infer | cut -d' ' -f2)

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
