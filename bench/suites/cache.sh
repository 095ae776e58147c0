# bench/run cache: a fully cached rerun, the tutorial's per-item Redis cache against the stage's
# batched one, on the same 10,000 records and the same Redis. Each side first runs cold (filling
# its cache against the simulator), then again: the figure is the second run, where every answer
# must come from Redis (0 requests reach the simulator).
#   python_cached     baseline_sync.py: one GET per item (`cache_inference`), as the seed tutorial
#   java_cached       the infer stage: one MGET per lookup chunk, started as images start it
# Headline: java_cached / python_cached records/s.

bench_cache() {
  local n=$INFER_RECORDS input=$WORK/infer-$INFER_RECORDS.jsonl reqs tuned
  reqs=$(( (n + INFER_BATCH - 1) / INFER_BATCH ))
  ensure_venv
  ensure_jars
  start_services
  note_load
  [ -f "$input" ] || "$PY" "$BENCH_DIR/python/gen_records.py" --count "$n" --output "$input"
  start_sim --latency-ms "$INFER_LATENCY_MS" --jitter-ms 0 --max-concurrency 0
  tuned="$INFER_JVM_FLAGS $(train_archive)"
  figure records "$n"

  flush_redis; sim_reset
  run_baseline python_fill baseline_sync.py "$input" "$REDIS_URL"
  check_sim python_fill "$reqs" "$n"
  sim_reset
  run_baseline python_cached baseline_sync.py "$input" "$REDIS_URL"
  check_sim python_cached 0 0
  check_output "$WORK/runs/python_cached/out.jsonl" "$n" "$WORK/runs/python_fill/out.jsonl"

  flush_redis; sim_reset
  # shellcheck disable=SC2086 # the flags are words
  run_java java_fill "$input" "$n" $tuned
  check_sim java_fill "$reqs" "$n"
  sim_reset
  # shellcheck disable=SC2086
  run_java java_cached "$input" "$n" $tuned
  check_sim java_cached 0 0
  check_output "$WORK/runs/java_cached/out.jsonl" "$n" "$WORK/runs/java_fill/out.jsonl"
  [ "$(rate java_cached_cache_hits)" = "$n" ] || die "java_cached: not every record came from the cache"

  figure headline_ratio_java_over_python_cached \
    "$(calc "$(rate java_cached_stage_records_per_s) / $(rate python_cached_records_per_s)" 2)"
  printf '%s\n' "${FIGURES[@]}"
  append_results "cache: fully cached rerun of $n records, per-item GET (Python) vs MGET (Java)"
}
