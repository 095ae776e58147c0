#!/usr/bin/env bash
# Creates (or refreshes) the pinned Airflow virtualenv and installs the Podstage provider into it
# (editable, from this checkout). Prints the venv's path on stdout; progress goes to stderr.
#
#   VENV=$(scripts/airflow-venv.sh)
#   "$VENV/bin/airflow" dags test podstage_llm_batch
#
# The versions are exact pins (provider/requirements-airflow.txt: a full `pip freeze` of a working venv),
# installed with --no-deps, so a fresh machine gets the same packages without web constraint files.
# The venv is rebuilt only when the pins (or the Python version) change: a stamp holds their sha256.
#
#   PODSTAGE_AIRFLOW_VENV   where the venv lives (default ~/.cache/podstage/airflow-venv)
#   PODSTAGE_PYTHON         the interpreter to build it from (default python3; the pins are for 3.11)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
VENV=${PODSTAGE_AIRFLOW_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/podstage/airflow-venv}
PINS=$REPO/provider/requirements-airflow.txt
PYTHON=${PODSTAGE_PYTHON:-python3}

log() { echo "airflow-venv: $*" >&2; }

command -v "$PYTHON" >/dev/null || { log "no $PYTHON on PATH"; exit 1; }
py_version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
want=$( (echo "python $py_version"; cat "$PINS") | sha256sum | cut -d' ' -f1)
stamp=$VENV/.podstage-pins.sha256

if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  log "up to date ($VENV, pins ${want:0:12})"
else
  if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    log "installing python3-venv"
    sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo -n"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-venv >/dev/null
  fi
  log "building $VENV with Python $py_version from $(grep -c '==' "$PINS") pins (a few minutes the first time)"
  rm -rf "$VENV.new"
  "$PYTHON" -m venv "$VENV.new"
  "$VENV.new/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >&2
  "$VENV.new/bin/python" -m pip install -q --disable-pip-version-check --no-deps -r "$PINS" >&2
  "$VENV.new/bin/python" -m pip check >&2
  rm -rf "$VENV"
  mv "$VENV.new" "$VENV"
  # venv scripts carry the absolute path of their interpreter: rewrite them for the final location
  grep -rlI --null "$VENV.new" "$VENV/bin" 2>/dev/null | xargs -0 -r sed -i "s|$VENV.new|$VENV|g"
  echo "$want" >"$stamp"
fi

# The provider, editable from this checkout (a fresh clone elsewhere re-points it).
if [ "$("$VENV/bin/python" -c 'import podstage_provider, os; print(os.path.dirname(podstage_provider.__file__))' 2>/dev/null)" \
    != "$REPO/provider/src/podstage_provider" ]; then
  log "installing the provider (editable) from $REPO/provider"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e "$REPO/provider" >&2
fi
echo "$VENV"
