#!/usr/bin/env bash
# Builds the image of KubernetesPodOperator's xcom sidecar from Debian's busybox-static: busybox with
# its applets as links in /bin, and images/xcom-sidecar/pgrep (busybox has no pgrep, which the
# operator's command to end the sidecar uses). One layer, written by build-tools/k8s/image-archive.py;
# runs as uid 65532, so a restricted namespace admits it.
# Usage: images/xcom-sidecar/build.sh   prints the path of the docker-archive (built only when missing)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${PODSTAGE_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/podstage/images}
NAME=localhost/podstage/xcom-sidecar

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=scripts/apt.sh
. "$REPO/scripts/apt.sh"
podstage_apt_download "$work" busybox-static
deb=$(ls "$work"/busybox-static_*.deb)
key=$( { sha256sum "$deb" | cut -d' ' -f1; cat "$0" "$HERE/pgrep" "$REPO/build-tools/k8s/image-archive.py"; } \
  | sha256sum | cut -c1-12)
tarball=$CACHE/xcom-sidecar-$key.tar
if [ -s "$tarball" ]; then
  echo "$tarball"
  exit 0
fi
dpkg-deb -x "$deb" "$work/deb"
layer=$work/layer
mkdir -p "$layer/bin" "$layer/usr/bin" "$layer/tmp" "$layer/airflow/xcom"
cp "$work/deb/bin/busybox" "$layer/bin/busybox"
for applet in $("$layer/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$layer/bin/$applet"
done
install -m 0755 "$HERE/pgrep" "$layer/usr/bin/pgrep"
chmod 1777 "$layer/tmp"
mkdir -p "$CACHE"
python3 "$REPO/build-tools/k8s/image-archive.py" --layer "$layer" --user 65532:65532 \
  --name "$NAME:$key" --output "$tarball.part"
mv "$tarball.part" "$tarball"
echo "$tarball"
