# bench/run startup: start-to-exit of a no-op stage run (an empty input: config, ledger/cache off,
# nothing to do, XCom written, exit 0), median of STARTUP_RUNS runs each:
#   host_plain        java -jar (aot-jar), no flags
#   host_tuned        the short-task flags + the class archive (scripts/stage-jvm.sh), as images run it
#   podman_stage      the stage image under podman, as a pod runs it (--read-only, volumes)
#   podman_floor      podman run --entrypoint /bin/true on the same image: the container floor
#   python_imports    a Python process importing airflow.sdk, requests, redis (the Airflow venv)
# plus image sizes. Headline: python_imports / host_tuned.

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

noop_host() { # noop_host [JVM FLAGS...]
  env -i PATH="$PATH" HOME="$HOME" PODSTAGE_XCOM_PATH="$WORK/startup/return.json" PODSTAGE_METRICS_ENABLED=false \
    java "$@" -jar "$INFER_JAR" --input "$WORK/startup/empty.jsonl" --output "$WORK/startup/out.jsonl" \
    --endpoint http://127.0.0.1:9 --protocol inputs
}

noop_podman() {
  podman run --rm --read-only -v "$WORK/startup:/data" -e PODSTAGE_METRICS_ENABLED=false \
    -e PODSTAGE_XCOM_PATH=/data/return-podman.json localhost/podstage/infer:0.1.0 \
    --input /data/empty.jsonl --output /data/out-podman.jsonl --endpoint http://127.0.0.1:9 --protocol inputs
}

bench_startup() {
  local airflow_py=${PODSTAGE_AIRFLOW_VENV:-$HOME/.cache/podstage/airflow-venv}/bin/python tuned plain
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
  tuned="$PODSTAGE_JVM_FLAGS $(train_archive)"

  figure runs "$STARTUP_RUNS"
  plain=$(median_ms noop_host)
  figure host_plain_ms "$plain"
  # shellcheck disable=SC2086 # the flags are words
  figure host_tuned_ms "$(median_ms noop_host $tuned)"
  figure podman_stage_ms "$(median_ms noop_podman)"
  figure podman_floor_ms "$(median_ms podman run --rm --entrypoint /bin/true localhost/podstage/infer:0.1.0)"
  figure python_imports_ms "$(median_ms "$airflow_py" "$BENCH_DIR/python/baseline_startup.py")"
  figure podman_stage_over_floor_ms "$(( $(rate podman_stage_ms) - $(rate podman_floor_ms) ))"
  local image
  for image in $(podman images --format '{{.Repository}}:{{.Tag}}' \
    | grep -E '^localhost/podstage/((ingest|preprocess|embed|infer|store|evaluate):|base-jre:)' | sort); do
    figure "image_mb_$(echo "${image#localhost/podstage/}" | tr ':.-' '___')" \
      "$(( $(podman image inspect --format '{{.Size}}' "$image") / 1000000 ))"
  done
  figure ratio_python_over_host_tuned "$(calc "$(rate python_imports_ms) / $(rate host_tuned_ms)" 2)"
  printf '%s\n' "${FIGURES[@]}"
  append_results "startup: no-op stage run (infer, empty input), median of $STARTUP_RUNS"
}
