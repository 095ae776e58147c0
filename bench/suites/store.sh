# shellcheck shell=bash
# The store benchmark: bench/run store (sourced by bench/run, which provides figure, calc, now_ns, log, die,
# start_services, note_load, append_results, ensure_venv, json_field, rate, $PY, $WORK, $REPO, $BENCH_DIR).
# What the figures mean: README.md.

STORE_ROWS=${PODSTAGE_BENCH_STORE_ROWS:-20000}
STORE_BATCH=500
STORE_DIM=384
STORE_JAR=$REPO/operators/store/target/quarkus-app/quarkus-run.jar
# The store stage's JVM as in its pod: the image's flags, the heap sized from the pod's memory limit.
STORE_JVM_FLAGS="$PODSTAGE_JVM_FLAGS $(stage_pod_ram_flag store)"
STORE_DB_PASSWORD=${PODSTAGE_TEST_DB_PASSWORD:-podstage}
STORE_PG_PORT=${PODSTAGE_TEST_PG_PORT:-5432}
# The baseline needs psycopg in the bench venv (bench/requirements.txt); PODSTAGE_BENCH_STORE_PY may name
# another interpreter that has it.
STORE_PY=${PODSTAGE_BENCH_STORE_PY:-$PY}

store_psql() { # store_psql SQL: runs SQL as the test role with the server's own psql, prints unaligned results
  PGPASSWORD=$STORE_DB_PASSWORD "$PODSTAGE_PG_BIN/psql" -q -X -A -t -h 127.0.0.1 -p "$STORE_PG_PORT" -U podstage -d podstage \
    -v ON_ERROR_STOP=1 -c "$1"
}

store_fresh_schema() { # store_fresh_schema NAME: an empty schema, so a first insert really inserts
  store_psql "DROP SCHEMA IF EXISTS $1 CASCADE; CREATE SCHEMA $1;" >/dev/null 2>&1 || die "cannot reset schema $1"
}

store_count() { # store_count SCHEMA: rows in its podstage_chunks
  store_psql "SELECT count(*) FROM $1.podstage_chunks"
}

ensure_store_jar() {
  [ -f "$STORE_JAR" ] && return 0
  log "building the store stage (mvn -f operators/store/pom.xml package -DskipTests)"
  (cd "$REPO" && mvn -B -ntp -q -f operators/store/pom.xml package -DskipTests) || die "cannot build the store stage"
}

store_input() { # store_input SEED: prints the path of STORE_ROWS deterministic chunks made with SEED
  local file=$WORK/chunks-$STORE_ROWS-$1.jsonl
  [ -f "$file" ] || "$PY" "$BENCH_DIR/python/gen_chunks.py" --count "$STORE_ROWS" --dim "$STORE_DIM" --seed "$1" \
    --output "$file" || die "cannot generate $file"
  echo "$file"
}

java_store() { # java_store PREFIX SCHEMA INPUT [JVM FLAGS...]: runs the stage and records its figures
  local prefix=$1 schema=$2 input=$3 dir=$WORK/runs/$1 t0 t1 wall_ms
  shift 3
  rm -rf "$dir" && mkdir -p "$dir"
  # The ledger would return a completed job's XCom without storing again: forget it, to measure the upsert.
  store_psql "DELETE FROM $schema.podstage_ledger WHERE stage = 'store'" >/dev/null 2>&1 || true
  log "$prefix: java $* -jar store into schema $schema"
  t0=$(now_ns)
  env -u PODSTAGE_REDIS_URL PODSTAGE_DB_URL="postgresql://127.0.0.1:$STORE_PG_PORT/podstage?search_path=$schema" \
    PODSTAGE_DB_USER=podstage PODSTAGE_DB_PASSWORD="$STORE_DB_PASSWORD" PODSTAGE_XCOM_PATH="$dir/return.json" \
    PODSTAGE_METRICS_ENABLED=false \
    java "$@" -jar "$STORE_JAR" --input "$input" --output "$dir/receipt.jsonl" \
    --batch-size "$STORE_BATCH" --dimension "$STORE_DIM" --vector-type array --progress-interval 0 >"$dir/log" 2>&1 \
    || { tail -40 "$dir/log" >&2; die "$prefix: the store stage failed"; }
  t1=$(now_ns)
  wall_ms=$(calc "($t1 - $t0) / 1e6" 0)
  [ "$(json_field "$dir/return.json" status)" = success ] || die "$prefix: the stage did not store (status $(json_field "$dir/return.json" status))"
  [ "$(json_field "$dir/return.json" records_out)" = "$STORE_ROWS" ] || die "$prefix: records_out is not $STORE_ROWS"
  [ "$(store_count "$schema")" = "$STORE_ROWS" ] || die "$prefix: $schema.podstage_chunks does not hold $STORE_ROWS rows"
  figure "${prefix}_rows_per_s" "$(json_field "$dir/return.json" metrics.rows_per_s)"
  figure "${prefix}_store_s" "$(json_field "$dir/return.json" metrics.store_s)"
  figure "${prefix}_stage_s" "$(calc "$(json_field "$dir/return.json" metrics.duration_ms) / 1000" 3)"
  figure "${prefix}_wall_s" "$(calc "$wall_ms / 1000" 3)"
  figure "${prefix}_wall_rows_per_s" "$(calc "$STORE_ROWS * 1000 / $wall_ms")"
  figure "${prefix}_db_s" "$(json_field "$dir/return.json" metrics.db_s)"
  figure "${prefix}_db_wait_s" "$(json_field "$dir/return.json" metrics.db_wait_s)"
  figure "${prefix}_inserted" "$(json_field "$dir/return.json" tables.podstage_chunks.inserted)"
  figure "${prefix}_updated" "$(json_field "$dir/return.json" tables.podstage_chunks.updated)"
  figure "${prefix}_unchanged" "$(json_field "$dir/return.json" tables.podstage_chunks.unchanged)"
}

python_store() { # python_store PREFIX SCHEMA INPUT: the psycopg executemany baseline
  local prefix=$1 schema=$2 input=$3 dir=$WORK/runs/$1 t0 t1
  rm -rf "$dir" && mkdir -p "$dir"
  log "$prefix: baseline_store.py into schema $schema"
  t0=$(now_ns)
  "$STORE_PY" "$BENCH_DIR/python/baseline_store.py" --input "$input" --schema "$schema" --batch-size "$STORE_BATCH" \
    --dsn "postgresql://podstage:$STORE_DB_PASSWORD@127.0.0.1:$STORE_PG_PORT/podstage" --label "$prefix" \
    >"$dir/stdout" 2>"$dir/stderr" || { cat "$dir/stderr" >&2; die "$prefix failed"; }
  t1=$(now_ns)
  [ "$(store_count "$schema")" = "$STORE_ROWS" ] || die "$prefix: $schema.podstage_chunks does not hold $STORE_ROWS rows"
  figure "${prefix}_rows_per_s" "$(kv "$dir/stdout" "${prefix}_rows_per_s")"
  figure "${prefix}_seconds" "$(kv "$dir/stdout" "${prefix}_seconds")"
  figure "${prefix}_wall_s" "$(calc "($t1 - $t0) / 1e9" 3)"
}

bench_store() {
  local first changed java_schema=bench_store_java plain_schema=bench_store_java_plain py_schema=bench_store_python
  ensure_venv
  "$STORE_PY" -c 'import psycopg' 2>/dev/null \
    || die "the baseline needs psycopg: add psycopg[binary]==3.3.9 to bench/requirements.txt (or set PODSTAGE_BENCH_STORE_PY)"
  ensure_store_jar
  start_services
  note_load
  first=$(store_input 20240601)
  changed=$(store_input 7)

  figure rows "$STORE_ROWS"
  figure dimension "$STORE_DIM"
  figure batch_size "$STORE_BATCH"
  figure java_flags "\"$STORE_JVM_FLAGS\""

  # (a) Python, the tutorial's way: first insert into empty tables, the same rows again, then changed vectors.
  store_fresh_schema "$py_schema"
  python_store python_first "$py_schema" "$first"
  python_store python_again "$py_schema" "$first"
  python_store python_changed "$py_schema" "$changed"

  # (b) The store stage started as its image starts it: the same three runs.
  store_fresh_schema "$java_schema"
  # shellcheck disable=SC2086 # the flags are words
  java_store java_first "$java_schema" "$first" $STORE_JVM_FLAGS
  # shellcheck disable=SC2086
  java_store java_again "$java_schema" "$first" $STORE_JVM_FLAGS
  [ "$(rate java_again_unchanged)" = "$STORE_ROWS" ] || die "java_again: not every row was found unchanged"
  # shellcheck disable=SC2086
  java_store java_changed "$java_schema" "$changed" $STORE_JVM_FLAGS
  [ "$(rate java_changed_updated)" = "$STORE_ROWS" ] || die "java_changed: not every row was updated"

  # (c) The first insert with the JVM's default JIT (C2 too): parsing 92 MB of JSON is CPU work.
  store_fresh_schema "$plain_schema"
  java_store java_plain_first "$plain_schema" "$first"

  store_psql "DROP SCHEMA IF EXISTS $java_schema CASCADE; DROP SCHEMA IF EXISTS $plain_schema CASCADE;
    DROP SCHEMA IF EXISTS $py_schema CASCADE;" >/dev/null 2>&1 || true

  figure ratio_first "$(calc "$(rate java_first_rows_per_s) / $(rate python_first_rows_per_s)" 2)"
  figure ratio_again "$(calc "$(rate java_again_rows_per_s) / $(rate python_again_rows_per_s)" 2)"
  figure ratio_changed "$(calc "$(rate java_changed_rows_per_s) / $(rate python_changed_rows_per_s)" 2)"
  figure ratio_plain_first "$(calc "$(rate java_plain_first_rows_per_s) / $(rate python_first_rows_per_s)" 2)"
  figure headline_ratio_first_insert "$(rate ratio_first)"

  printf '%s\n' "${FIGURES[@]}"
  append_results "store: $STORE_ROWS chunks of $STORE_DIM floats, batches of $STORE_BATCH, PostgreSQL on loopback"
}
