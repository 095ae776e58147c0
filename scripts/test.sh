#!/usr/bin/env bash
# Runs every test:
#   - JUnit unit tests and the stage ITs (the packaged stages as processes, against the LLM
#     simulator and the real Redis and PostgreSQL this script starts);
#   - the image tests (every stage image under podman, run as a pod runs it; built first by
#     images/build.sh from Debian packages, nothing pulled);
#   - the Airflow side with pytest in the pinned Airflow venv (provider, rendered pods, every DAG
#     imported on every backend, `airflow dags test` end to end on the local and podman backends);
#   - airflow-config/ with the tools its users run (scripts/ops-tools.sh): promtool from Debian's
#     prometheus package on the alert rules, statsd_exporter (built from its Go module the first time,
#     ~2 min) fed by a real stage run;
#   - the Airflow UI in Debian's Chromium through Playwright (integration-tests/browser): sign in, trigger the
#     example DAGs from their forms, read logs, XComs and rendered templates, add a connection, approve an A/B
#     promotion, against a scheduler and API server started for it;
#   - a real one-node Kubernetes (scripts/cluster.sh: built from Go modules the first time, ~5 min):
#     pulls from its registry, the xcom sidecar, the three example DAGs through KubernetesPodOperator in a
#     restricted namespace with Redis, PostgreSQL and the simulator as pods (compared with the local
#     backend), the LLM batch DAG on the native images (built here: the native flavour below reuses them), and
#     the failures a cluster makes; stopped at the end, leaving the host as it was;
#   - the repository's own checks (tests/: where things come from, the services, the base image's mirror,
#     the native toolchain's C stand-ins and launcher);
#   - the native flavour (docs/native.md): stages built as native executables with the project's toolchain
#     (~4-5 min each the first time, cached by what goes into them), their stage ITs run against them, and
#     their native images tested under podman.
set -euo pipefail
cd "$(dirname "$0")/.."
# The cluster tests stop the cluster themselves; this is for a run that ends early.
trap 'scripts/cluster.sh stop >/dev/null 2>&1 || true' EXIT
scripts/services.sh start
eval "$(scripts/services.sh env)"
. scripts/java-home.sh
echo "test: $(java -version 2>&1 | head -1)"
# The jars first (install: the image build and its training runs use the simulator jar), then the images.
mvn -B -ntp -q install -DskipTests
images/build.sh
stages=$(cut -d' ' -f1 images/out/digests.txt | sed 's|.*/||; s|:.*||' | paste -sd, -)
mvn -B -ntp verify -DimageTests.skip=false "-DimageTests.stages=$stages" "$@"
VENV=$(scripts/airflow-venv.sh)
scripts/ops-tools.sh promtool >/dev/null
scripts/ops-tools.sh statsd-exporter >/dev/null
# The browser tests drive Debian's Chromium (Playwright is pinned in the venv); nothing downloads a browser.
. scripts/apt.sh
podstage_apt_install chromium
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
"$VENV/bin/python" -m pytest -c provider/pyproject.toml provider/tests integration-tests/airflow \
  integration-tests/kubernetes tests integration-tests/browser
# The native flavour, last (the native profile builds no jar; the steps above use the jars). Every stage's
# native augmentation must write a native-image command line; then the stages CI builds natively
# (PODSTAGE_NATIVE_STAGES; docs/native.md says why these) are built with the project's toolchain, cached
# by what goes into them, and their stage ITs run again against the executables.
stage_modules=$(ls -d operators/*/ | sed 's|/$||' | while read -r m; do [ -d "$m/src/main/java" ] && grep -q quarkus-maven-plugin "$m/pom.xml" && echo "$m"; done | paste -sd, -)
mvn -B -ntp -q package -DskipTests -Dnative -Dquarkus.native.sources-only=true -pl "$stage_modules"
for m in ${stage_modules//,/ }; do
  grep -q -- '--features=' "$m/target/native-sources/native-image.args" \
    || { echo "test: $m: the native augmentation wrote no native-image command line" >&2; exit 1; }
done
echo "test: native augmentation ok for ${stage_modules//,/ }"
read -r -a native_stages <<<"${PODSTAGE_NATIVE_STAGES:-infer store embed}"
native_list=$(mktemp)
scripts/native-stages.sh "${native_stages[@]}" >"$native_list"
while read -r stage executable; do
  echo "test: $stage as a native executable ($executable)"
  mvn -B -ntp verify -pl "operators/$stage" -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    "-Dpodstage.stage.executable=$executable"
done <"$native_list"
rm -f "$native_list"
# The same stages as native images (the executable on the JVM images' Debian base), under podman: their
# hygiene, and the image tests that run either flavour.
images/build-native.sh "${native_stages[@]}" >/dev/null
mvn -B -ntp verify -pl integration-tests/images -DimageTests.skip=false -DimageTests.flavor=native \
  "-DimageTests.stages=$(IFS=,; echo "${native_stages[*]}")" -Dit.test='NativeImageHygieneIT,StageImagesIT,InferImageIT' \
  -Dfailsafe.failIfNoSpecifiedTests=false
