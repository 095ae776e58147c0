#!/usr/bin/env bash
# Builds the native flavour of the stage images (docs/native.md): each stage's native executable
# (scripts/native-stages.sh, cached) with the JDK libraries and the libjvm shim beside it, on the same
# Debian base as the JVM images (images/base/build.sh), non-root, labelled, with Jib like the JVM ones:
# Quarkus packages the executable it is given (quarkus.native.reuse-existing) as /work/application and
# the shared objects beside it. No training run: a native executable has no class archive.
#
# Usage: images/build-native.sh [STAGE...]   → localhost/podstage/<stage>:<version>-native;
#        digests to images/out/digests-native.txt
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
. "$REPO/scripts/java-home.sh"
. "$REPO/scripts/podman-env.sh"
. "$HERE/digests.sh"

log() { echo "images: $*" >&2; }
die() { log "error: $*"; exit 1; }

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(ingest preprocess embed infer store evaluate)
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$REPO/pom.xml" | head -1)
revision=$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)
source_url=${PODSTAGE_SOURCE_URL:-$(git -C "$REPO" remote get-url origin 2>/dev/null || echo "https://github.com/podstage/podstage")}
base=$("$HERE/base/build.sh")
toolchain=$("$REPO/build-tools/native/toolchain.sh")
built=$(mktemp)
trap 'rm -f "$built"' EXIT
"$REPO/scripts/native-stages.sh" "${stages[@]}" >"$built"

mkdir -p "$HERE/out"
digests=$HERE/out/digests-native.txt
: >"$digests.new"
while read -r stage executable; do
  target=$REPO/operators/$stage/target
  # Where a native build of the module leaves its executable; the shared objects go beside it, as they
  # do when Quarkus drives the build, and Jib copies them into the image next to the executable.
  cp "$executable" "$target/podstage-$stage-$version-runner"
  cp "$(dirname "$executable")"/*.so "$target/"
  image=localhost/podstage/$stage:$version-native
  log "$stage: Jib, native"
  (cd "$REPO" && mvn -B -ntp -q package -DskipTests -Pimages -Dnative -pl "operators/$stage" \
    -Dquarkus.native.reuse-existing=true -Dquarkus.native.container-build=false \
    "-Dquarkus.native.graalvm-home=$toolchain" "-Dpodstage.base-image=$base" \
    "-Dquarkus.container-image.tag=$version-native" "-Dquarkus.container-image.name=$stage" \
    "-Dquarkus.container-image.labels.\"org.opencontainers.image.title\"=podstage-$stage" \
    "-Dquarkus.container-image.labels.\"org.opencontainers.image.description\"=Podstage $stage stage (Quarkus command mode, native)" \
    "-Dquarkus.container-image.labels.\"org.opencontainers.image.source\"=$source_url" \
    "-Dquarkus.container-image.labels.\"org.opencontainers.image.version\"=$version" \
    "-Dquarkus.container-image.labels.\"org.opencontainers.image.revision\"=$revision" \
    "-Dquarkus.container-image.labels.\"org.opencontainers.image.licenses\"=Apache-2.0") >&2 \
    || die "$stage: the native Jib build failed"
  podman image exists "$image" || die "$stage: Jib did not load $image into podman"
  digest=$(podman image inspect --format '{{.Digest}}' "$image")
  size=$(podman image inspect --format '{{.Size}}' "$image")
  echo "$image $digest $size" >>"$digests.new"
  log "$stage: $image ($((size / 1000000)) MB) $digest"
done <"$built"
commit_digests "$digests"
cat "$digests"
