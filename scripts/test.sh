#!/usr/bin/env bash
# Runs every test: JUnit unit tests and the stage ITs (the packaged stages as processes, against
# the LLM simulator and the real Redis and PostgreSQL this script starts).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh start
eval "$(scripts/services.sh env)"
. scripts/java-home.sh
echo "test: $(java -version 2>&1 | head -1)"
mvn -B -ntp verify "$@"
