# bench/run kubernetes: on the one-node cluster (scripts/cluster.sh, started here when it is down and then
# stopped again), in one run:
#   - each stage's pod from creation to Succeeded, with nothing to do and with the sample data, against a
#     Python task pod (bench/python-pod: the same Debian base, python3 and the seed's imports), built by the
#     same operator; the breakdown per pod: schedule, pull, container start, runtime start, work, exit,
#     sidecar (bench/python/kubernetes_bench.py says how each is measured); pass "cold" right after the node
#     dropped its images, pass "warm" with them present;
#   - the three example DAGs' wall time under `airflow dags test`, on the cluster against the local backend.
# Headline: the infer pod's warm no-op total over the Python pod's.

bench_kubernetes() {
  local venv=${PODSTAGE_AIRFLOW_VENV:-$HOME/.cache/podstage/airflow-venv} cluster=$REPO/scripts/cluster.sh
  local was_up=no python_image out=$WORK/kubernetes.out
  [ -x "$venv/bin/python" ] || die "no Airflow venv at $venv (scripts/airflow-venv.sh)"
  ensure_jars
  . "$REPO/scripts/podman-env.sh"
  [ -s "$REPO/images/out/digests.txt" ] || "$REPO/images/build.sh" >/dev/null || die "the stage images did not build"
  start_services
  "$cluster" status 2>/dev/null | grep -q '^kubelet: up' && was_up=yes
  if [ "$was_up" = no ]; then
    # stopped before bench/run's own cleanup, which exits with the run's status
    trap 'rc=$?; "$REPO/scripts/cluster.sh" stop >/dev/null 2>&1; (exit $rc); cleanup' EXIT
  fi
  "$cluster" start >&2
  "$cluster" push-images >&2
  python_image=$("$BENCH_DIR/python-pod/build.sh")
  python_image=$("$cluster" push "$python_image" "podstage/python-task:${python_image##*:}")
  note_load
  PYTHONPATH=$REPO/integration-tests/kubernetes:$REPO/integration-tests/airflow:$REPO/provider/tests \
    "$venv/bin/python" "$BENCH_DIR/python/kubernetes_bench.py" --work "$WORK/kubernetes" \
    --python-image "$python_image" --redis-db "$REDIS_DB" --drop-images "$cluster" drop-images >"$out" \
    || die "the Kubernetes benchmark failed"
  local line
  while IFS= read -r line; do FIGURES+=("$line"); done <"$out"
  figure headline_ratio_infer_noop_over_python "$(rate ratio_infer_noop_over_python)"
  printf '%s\n' "${FIGURES[@]}"
  append_results "kubernetes: stage pods against a Python task pod, and the example DAGs against the local backend"
}
