#!/usr/bin/env bash
# Builds every stage image (or the stages named) and loads it into podman — and into docker when a
# docker daemon answers. No registry, no pull:
#   1. the base image from Debian packages (images/base/build.sh, cached in ~/.cache/podstage/images);
#   2. each stage with Jib (quarkus-container-image-jib, profile `images` of the root pom) on that
#      base, with the short-task JVM flags of scripts/stage-jvm.sh → podstage/podstage-<stage>:<v>-jib;
#   3. a training run of that image, as a pod would run it (non-root, read-only root filesystem),
#      in which the JVM inside the image writes its class archive (JDK AOT cache on 25, AppCDS on 17);
#   4. the final image podstage/<stage>:<version> = the Jib image + the archive + OCI labels, its
#      entrypoint using the archive. Digests go to images/out/digests.txt.
#
# Usage: images/build.sh [--save] [STAGE...]   (--save also writes images/out/<stage>-<version>.tar)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
. "$REPO/scripts/java-home.sh"
. "$REPO/scripts/stage-jvm.sh"
. "$REPO/scripts/podman-env.sh"
. "$HERE/training.sh"
. "$HERE/digests.sh"

OUT=$HERE/out
ALL_STAGES=(ingest preprocess embed infer store evaluate)

log() { echo "images: $*" >&2; }
die() { log "error: $*"; exit 1; }

save=no
stages=()
for arg in "$@"; do
  case $arg in
    --save) save=yes ;;
    -*) die "unknown option $arg" ;;
    *) stages+=("$arg") ;;
  esac
done
if [ ${#stages[@]} -eq 0 ]; then
  for stage in "${ALL_STAGES[@]}"; do
    [ -f "$REPO/operators/$stage/pom.xml" ] && stages+=("$stage")
  done
fi
for stage in "${stages[@]}"; do
  [ -f "$REPO/operators/$stage/pom.xml" ] || die "no stage module operators/$stage"
done

version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$REPO/pom.xml" | head -1)
revision=$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)
source_url=${PODSTAGE_SOURCE_URL:-$(git -C "$REPO" remote get-url origin 2>/dev/null || echo "https://github.com/podstage/podstage")}

base=$("$HERE/base/build.sh")
log "base image $base"

# The images are linux/amd64 (the base's runtime is): the other platforms' native libraries that
# ONNX Runtime and the DJL tokenizer carry (Windows debug symbols alone are 300 MB unpacked) stay
# out of embed's and evaluate's images. Only this build drops them: the jars of a plain build keep
# every platform.
native_jar_entries() { # native_jar_entries GROUP:ARTIFACT PREFIX KEEP: the entries under PREFIX not under KEEP
  local jar
  jar=$(find "$HOME/.m2/repository/$(echo "${1%%:*}" | tr . /)/${1##*:}" -name "${1##*:}-*.jar" 2>/dev/null | sort | tail -1)
  [ -n "$jar" ] || return 0
  unzip -Z1 "$jar" | grep "^$2" | grep -v "/$" | grep -v "^$2$3/" | paste -sd, -
}
removed_resources=()
for spec in com.microsoft.onnxruntime:onnxruntime,ai/onnxruntime/native/,linux-x64 \
  ai.djl.huggingface:tokenizers,native/lib/,linux-x86_64; do
  IFS=, read -r artifact prefix keep <<<"$spec"
  entries=$(native_jar_entries "$artifact" "$prefix" "$keep" | sed 's|native/lib/tokenizers.properties,\?||')
  [ -n "$entries" ] && removed_resources+=("-Dquarkus.class-loading.removed-resources.\"$artifact\"=$entries")
done

modules=$(printf 'operators/%s,' "${stages[@]}")
log "Jib: ${stages[*]}"
(cd "$REPO" && mvn -B -ntp -q package -DskipTests -Pimages -pl "${modules%,}" -am \
  "-Dpodstage.base-image=$base" \
  "-Dquarkus.jib.jvm-additional-arguments=$(echo "$PODSTAGE_JVM_FLAGS" | tr ' ' ',')" "${removed_resources[@]}") \
  || die "the Jib build failed"

mkdir -p "$OUT"
digests=$OUT/digests.txt
: >"$digests.new"
for stage in "${stages[@]}"; do
  jib_image=localhost/podstage/podstage-$stage:$version-jib
  image=localhost/podstage/$stage:$version
  work=$(mktemp -d)
  chmod 0777 "$work"

  podman image exists "$jib_image" || die "$stage: Jib did not load $jib_image into podman (is quarkus-container-image-jib a dependency of operators/$stage?)"
  log "$stage: training run for the class archive"
  archive_name=app.aot
  [ "$(stage_java_feature)" -ge 25 ] || archive_name=app.jsa
  train_stage "$stage" "$jib_image" "$work" "$(stage_jvm_archive_flags train "/aot/$archive_name")"
  [ -s "$work/aot/$archive_name" ] || die "$stage: the training run wrote no class archive"

  # The Jib entrypoint with the archive flag right after `java`.
  entrypoint=$(podman image inspect --format '{{json .Config.Entrypoint}}' "$jib_image" \
    | python3 -c 'import json, sys; e = json.load(sys.stdin); print(json.dumps(e[:1] + [sys.argv[1]] + e[1:]))' \
      "$(stage_jvm_archive_flags use "/deployments/$archive_name")")
  cp "$work/aot/$archive_name" "$work/$archive_name"
  cat >"$work/Containerfile" <<EOF
FROM $jib_image
COPY --chown=1001:0 $archive_name /deployments/$archive_name
ENTRYPOINT $entrypoint
LABEL org.opencontainers.image.title="podstage-$stage" \\
      org.opencontainers.image.description="Podstage $stage stage (Quarkus command mode)" \\
      org.opencontainers.image.source="$source_url" \\
      org.opencontainers.image.version="$version" \\
      org.opencontainers.image.revision="$revision" \\
      org.opencontainers.image.licenses="Apache-2.0"
EOF
  podman build --quiet --pull=never -t "$image" -f "$work/Containerfile" "$work" >/dev/null \
    || die "$stage: podman build of the final image failed"
  rm -rf "$work"

  digest=$(podman image inspect --format '{{.Digest}}' "$image")
  size=$(podman image inspect --format '{{.Size}}' "$image")
  echo "$image $digest $size" >>"$digests.new"
  log "$stage: $image ($((size / 1000000)) MB) $digest"
  if [ "$save" = yes ]; then
    podman save --quiet --format docker-archive -o "$OUT/$stage-$version.tar" "$image"
  fi
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    podman save --quiet --format docker-archive "$image" | docker load >/dev/null && log "$stage: loaded into docker too"
  fi
done
commit_digests "$digests"
log "digests: $digests"
cat "$digests"
