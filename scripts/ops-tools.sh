#!/usr/bin/env bash
# The tools operators run against airflow-config/, for the tests that check it with them:
#   scripts/ops-tools.sh promtool         prints the path of promtool, unpacked from Debian's prometheus
#                                         package (installing it would start a Prometheus server)
#   scripts/ops-tools.sh statsd-exporter  prints the path of statsd_exporter, built from its Go module at
#                                         the version pinned below (the Prometheus project publishes no
#                                         Debian package of it); the first build takes a few minutes
# Both are kept under ~/.cache/podstage/ops-tools, so a rerun finds them at once.
set -euo pipefail

STATSD_EXPORTER_MODULE=github.com/prometheus/statsd_exporter
STATSD_EXPORTER_VERSION=v0.31.0
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/podstage/ops-tools
GO=${PODSTAGE_GO:-/usr/local/go/bin/go}

log() { echo "ops-tools: $*" >&2; }

# shellcheck source=scripts/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

promtool() {
  local root=$CACHE/prometheus-deb bin
  bin=$root/root/usr/bin/promtool
  if [ ! -x "$bin" ]; then
    log "unpacking promtool from Debian's prometheus package"
    rm -rf "$root" && mkdir -p "$root/root"
    podstage_apt_download "$root" prometheus
    dpkg-deb -x "$root"/prometheus_*.deb "$root/root"
    [ -x "$bin" ] || { log "the prometheus package has no usr/bin/promtool"; exit 1; }
  fi
  echo "$bin"
}

statsd_exporter() {
  local dir=$CACHE/statsd_exporter-$STATSD_EXPORTER_VERSION bin
  bin=$dir/statsd_exporter
  if [ ! -x "$bin" ]; then
    [ -x "$GO" ] || { log "no Go at $GO (set PODSTAGE_GO)"; exit 1; }
    log "building $STATSD_EXPORTER_MODULE@$STATSD_EXPORTER_VERSION (once; cached in $dir)"
    mkdir -p "$dir"
    # The module proxy and checksum database come from the machine's Go configuration.
    GOBIN=$dir GOFLAGS=-buildvcs=false CGO_ENABLED=0 "$GO" install "$STATSD_EXPORTER_MODULE@$STATSD_EXPORTER_VERSION" >&2
    [ -x "$bin" ] || { log "the build left no $bin"; exit 1; }
  fi
  echo "$bin"
}

case "${1:-}" in
  promtool) promtool ;;
  statsd-exporter) statsd_exporter ;;
  *) echo "usage: $0 promtool|statsd-exporter" >&2; exit 2 ;;
esac
