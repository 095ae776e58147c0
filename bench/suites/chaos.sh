# bench/run chaos: 100,000 records through infer with two endpoints (a primary and a fallback), the
# idempotency ledger and the Redis cache on, first without faults (the baseline), then while faults come
# on a schedule tied to progress (bench/python/chaos_bench.py): 20% mixed endpoint faults throughout, the
# primary dead from 10% to 25%, Redis killed and restarted at 35%, PostgreSQL restarted at 50%, SIGTERM at
# 65% and a rerun with the same arguments, as Airflow would retry the task.
# Figures: records done (want 100%), duplicates (want 0), answers paid beyond one per record (want no more
# than were in flight at the SIGTERM), wall time against the baseline, ERROR lines logged.
# Headline: records_done_pct.

CHAOS_RECORDS=${CHAOS_RECORDS:-100000}

bench_chaos() {
  local n=$CHAOS_RECORDS input out=$WORK/chaos.out tuned
  input=$WORK/infer-$n.jsonl
  ensure_venv
  ensure_jars
  start_services
  note_load
  [ -f "$input" ] || "$PY" "$BENCH_DIR/python/gen_records.py" --count "$n" --output "$input"
  # The class archive's training run asks a simulator of its own (bench/run stops it at the end).
  start_sim --latency-ms "$INFER_LATENCY_MS" --jitter-ms 0 --max-concurrency 0
  tuned="$INFER_JVM_FLAGS $(train_archive)"
  figure java_flags "\"$tuned\""
  # The run kills Redis and restarts PostgreSQL (scripts/services.sh brings both back); the benchmark's
  # own Redis database is flushed before each run.
  "$PY" "$BENCH_DIR/python/chaos_bench.py" --infer-jar "$INFER_JAR" --sim-jar "$SIM_JAR" --input "$input" \
    --records "$n" --work "$WORK/chaos" --redis-url "$REDIS_URL" --services "$REPO/scripts/services.sh" \
    --java-flags "$tuned" >"$out" || die "the chaos benchmark failed"
  local line
  while IFS= read -r line; do FIGURES+=("$line"); done <"$out"
  [ "$(rate duplicates)" = 0 ] || die "duplicates in the output"
  figure headline_records_done_pct "$(rate records_done_pct)"
  printf '%s\n' "${FIGURES[@]}"
  append_results "chaos: $n records through infer, two endpoints, 20% faults, outage, Redis kill, PostgreSQL restart, SIGTERM"
}
