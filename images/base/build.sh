#!/usr/bin/env bash
# Builds the stages' base image from Debian packages — nothing is pulled from a registry:
# a `debootstrap --variant=minbase bookworm` rootfs, a jlink'd Java runtime (the JDK that
# scripts/java-home.sh picks: Temurin 25 when present, else 17), a non-root user, the writable
# mount points a pod declares. Imported into podman and saved as a docker-archive, the format Jib
# accepts as a `tar://` base.
#
# Usage: images/base/build.sh        prints the path of the tarball (built only when missing)
# Cache: ~/.cache/podstage/images/base-<key>.tar, keyed by this recipe and the JDK, so a rerun —
# also from a fresh clone — costs nothing until the recipe or the JDK changes.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/scripts/java-home.sh"
. "$REPO/scripts/podman-env.sh"

CACHE=${PODSTAGE_IMAGE_CACHE:-$HOME/.cache/podstage/images}
SUITE=bookworm
# Where this machine's apt gets bookworm (or PODSTAGE_DEBIAN_MIRROR): the project names no mirror of its own.
MIRROR=$("$HERE/debian-mirror.sh" "$SUITE")
UID_GID=1001:0 # group 0 so OpenShift-style arbitrary uids can write where the user can
# What the stages use, found with jdeps plus what Quarkus, Netty, Hibernate and ONNX Runtime load
# reflectively; jdk.crypto.ec for TLS to hosted endpoints.
MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs

log() { echo "images/base: $*" >&2; }

java_feature=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
key=$( { cat "$0"; echo "$MODULES $SUITE $MIRROR"; java -version 2>&1; } | sha256sum | cut -c1-12)
tarball=$CACHE/base-$key.tar
tag=localhost/podstage/base-jre:$key
if [ -s "$tarball" ]; then
  echo "$tarball"
  exit 0
fi

[ "$(id -u)" = 0 ] || { log "debootstrap needs root"; exit 1; }
if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
fi
podstage_require_podman

mkdir -p "$CACHE"
work=$(mktemp -d "$CACHE/.build-XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs

log "debootstrap --variant=minbase $SUITE ($MIRROR)"
debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }

log "trimming the rootfs"
rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
  "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/lintian/*

log "jlink ($MODULES) from $(java -version 2>&1 | head -1)"
compress=zip-6
[ "$java_feature" -ge 21 ] || compress=2
cds=--generate-cds-archive
jlink --list-plugins 2>/dev/null | grep -q -- '--generate-cds-archive' || cds=""
# shellcheck disable=SC2086 # $cds is empty or one flag
jlink --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress="$compress" $cds \
  --output "$rootfs/opt/java" >&2 # it says "Created CDS archive successfully" on stdout, which is our answer

log "non-root user 1001 and the pod's writable paths"
echo "podstage:x:${UID_GID}:podstage:/home/podstage:/usr/sbin/nologin" >>"$rootfs/etc/passwd"
mkdir -p "$rootfs/home/podstage" "$rootfs/airflow/xcom" "$rootfs/data" "$rootfs/deployments"
chown -R "$UID_GID" "$rootfs/home/podstage" "$rootfs/airflow" "$rootfs/data"
chmod 1777 "$rootfs/tmp"
chmod 0775 "$rootfs/home/podstage" "$rootfs/airflow" "$rootfs/airflow/xcom" "$rootfs/data"

log "podman import + save as docker-archive"
tar -C "$rootfs" --numeric-owner -cf "$work/rootfs.tar" .
podman import --quiet \
  --change "ENV JAVA_HOME=/opt/java" \
  --change "ENV PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV LANG=C.UTF-8" \
  --change "USER 1001" \
  --change "WORKDIR /home/podstage" \
  --change "LABEL org.opencontainers.image.title=podstage-base-jre" \
  --change "LABEL org.opencontainers.image.description=Debian $SUITE minbase + jlink Java $java_feature" \
  "$work/rootfs.tar" "$tag" >/dev/null
podman save --quiet --format docker-archive -o "$work/base.tar" "$tag" >/dev/null
mv "$work/base.tar" "$tarball"
log "built $tarball ($(du -h "$tarball" | cut -f1)), also loaded as $tag"
echo "$tarball"
