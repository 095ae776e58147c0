#!/usr/bin/env bash
# The Python task pod bench/run kubernetes measures the stages against: the stages' own Debian base
# (images/base/build.sh) with Debian's python3 and the packages the seed tutorial's tasks import
# (requests, redis, aiohttp, prometheus_client), installed by apt from this machine's Debian mirror,
# as a team would build a slim task image. torch is left out: it would only make Python's pod slower.
# Usage: bench/python-pod/build.sh   prints the podman image (built only when missing)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=scripts/podman-env.sh
. "$REPO/scripts/podman-env.sh"
PACKAGES="python3 python3-requests python3-redis python3-aiohttp python3-prometheus-client"

base_tar=$("$REPO/images/base/build.sh")
base=localhost/podstage/base-jre:$(basename "$base_tar" .tar | sed 's/^base-//')
key=$( { cat "$0" "$HERE/task.py"; echo "$base"; } | sha256sum | cut -c1-12)
image=localhost/podstage/python-task:$key
if podman image exists "$image"; then
  echo "$image"
  exit 0
fi
podman image exists "$base" || podman load -q -i "$base_tar" >/dev/null
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$HERE/task.py" "$ctx/task.py"
cat >"$ctx/Containerfile" <<CONTAINERFILE
FROM $base
USER 0
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES \
  && rm -rf /var/lib/apt/lists/* /var/cache/apt/*
COPY --chown=0:0 task.py /opt/task/task.py
USER 1001
# the first line marks the process start in the pod's log (bench/python/kubernetes_bench.py)
ENTRYPOINT ["/bin/sh", "-c", "echo python-task process >&2; exec python3 /opt/task/task.py \"\$@\"", "python-task"]
LABEL org.opencontainers.image.title=podstage-python-task \
  org.opencontainers.image.description="A Python task pod as a baseline for bench/run kubernetes"
CONTAINERFILE
echo "python-task: building $image ($PACKAGES)" >&2
podman build -q -t "$image" "$ctx" >/dev/null
echo "$image"
