#!/usr/bin/env bash
# Builds the Kubernetes binaries scripts/cluster.sh runs (kube-apiserver, kube-controller-manager,
# kube-scheduler, kubelet) and the kubectl the scripts and tests use, with Go, from the Go module
# k8s.io/kubernetes: no release tarball, no container image. Prints the directory holding them.
#
# k8s.io/kubernetes requires its 30-odd staging modules (k8s.io/api, client-go, ...) as v0.0.0 and
# replaces them with ./staging/src/... paths that exist only in its own repository, so it cannot be
# built as a dependency as is. A small wrapper module requires it and replaces every staging module
# with its published version instead (v0.<minor>.<patch>, released in lockstep).
#
# Cache: ~/.cache/podstage/k8s/<k8s version>-<go version>/bin, so only the first run on a machine
# builds: 4 minutes on an idle 2-core machine with empty Go caches (docs/adr/0010-kubernetes-from-go-modules.md).
#
# Usage: build-tools/k8s/build.sh [--dir]   (--dir: print where the binaries are or would be; build nothing)
#   PODSTAGE_K8S_VERSION   the Kubernetes release (default below; 1.35+ refuses cgroup v1 by default)
#   PODSTAGE_GO            the go command (default: go on PATH, else /usr/local/go/bin/go)
set -euo pipefail

K8S_VERSION=${PODSTAGE_K8S_VERSION:-1.34.4}
GO=${PODSTAGE_GO:-$(command -v go || echo /usr/local/go/bin/go)}
COMMANDS="kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl"

log() { echo "k8s-build: $*" >&2; }

[ -x "$GO" ] || command -v "$GO" >/dev/null || { log "no Go toolchain ($GO): set PODSTAGE_GO"; exit 1; }
go_version=$("$GO" env GOVERSION)
out=${XDG_CACHE_HOME:-$HOME/.cache}/podstage/k8s/$K8S_VERSION-$go_version
if [ -f "$out/.complete" ] || [ "${1:-}" = --dir ]; then
  echo "$out/bin"
  exit 0
fi

export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local
work=$out/module
rm -rf "$out" && mkdir -p "$work" "$out/bin"

log "resolving k8s.io/kubernetes v$K8S_VERSION"
gomod=$("$GO" mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
[ -f "$gomod" ] || { log "could not download k8s.io/kubernetes v$K8S_VERSION"; exit 1; }
staging_version=v0.${K8S_VERSION#1.}
{
  echo "module podstage.dev/k8s-build"
  echo
  echo "go $(sed -n 's/^go //p' "$gomod")"
  echo
  echo "require k8s.io/kubernetes v$K8S_VERSION"
  echo
  echo "replace ("
  grep -E '=> \./staging/' "$gomod" | awk -v v="$staging_version" '{ print "\t" $1 " => " $1 " " v }'
  echo ")"
} >"$work/go.mod"
# godebug defaults follow the main module's go line; keep k8s.io/kubernetes's own.
sed -n 's/^godebug /godebug /p' "$gomod" >>"$work/go.mod"
{
  echo "//go:build tools"
  echo
  echo "package k8sbuild"
  echo
  echo "import ("
  for c in $COMMANDS; do echo "	_ \"k8s.io/kubernetes/cmd/$c\""; done
  echo ")"
} >"$work/tools.go"
(cd "$work" && "$GO" mod tidy >"$out/tidy.log" 2>&1) || { tail -20 "$out/tidy.log" >&2; log "go mod tidy failed in $work"; exit 1; }

minor=${K8S_VERSION#1.}; minor=${minor%%.*}
ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
  ldflags="$ldflags -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
done
packages=$(for c in $COMMANDS; do printf 'k8s.io/kubernetes/cmd/%s ' "$c"; done)
log "building $COMMANDS with $go_version (cold: tens of minutes on 2 cores)"
start=$(date +%s)
# shellcheck disable=SC2086 # the package list is words
(cd "$work" && "$GO" build -trimpath -ldflags "$ldflags" -o "$out/bin/" $packages) \
  || { log "go build failed"; exit 1; }
seconds=$(($(date +%s) - start))
echo "$seconds" >"$out/build-seconds"
touch "$out/.complete"
log "built in ${seconds}s: $(cd "$out/bin" && du -sh . | cut -f1) in $out/bin"
echo "$out/bin"
