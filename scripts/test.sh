#!/usr/bin/env bash
# Runs every test:
#   - JUnit unit tests and the stage ITs (the packaged stages as processes, against the LLM
#     simulator and the real Redis and PostgreSQL this script starts);
#   - the image tests (every stage image under podman, run as a pod runs it; built first by
#     images/build.sh from Debian packages, nothing pulled);
#   - the Airflow side with pytest in the pinned Airflow venv (provider, rendered pods, every DAG
#     imported on every backend, `airflow dags test` end to end on the local and podman backends).
set -euo pipefail
cd "$(dirname "$0")/.."
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
"$VENV/bin/python" -m pytest -c provider/pyproject.toml provider/tests integration-tests/airflow
