#!/usr/bin/env bash
# Builds stages as native executables with the project's native toolchain (build-tools/native/toolchain.sh)
# and prints "stage path" per stage. Each executable is cached under ~/.cache/podstage/native/stages/, keyed
# by a hash of everything that goes into it: the toolchain, the sources of the stage and of the project's
# modules it bundles, its third-party jars and the builder's command line Quarkus writes
# (-Dquarkus.native.sources-only). An unchanged stage is not rebuilt: only its native sources are generated,
# to compute the key, instead of the whole native build.
#   scripts/native-stages.sh [STAGE...]     (default: every stage)
# The jars must be installed first (mvn install -DskipTests), as for any -pl build.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(ingest preprocess embed infer store evaluate)
toolchain=$(build-tools/native/toolchain.sh)
cache=${PODSTAGE_CACHE:-$HOME/.cache/podstage}/native/stages
mkdir -p "$cache"
modules=$(printf 'operators/%s,' "${stages[@]}")
# The jar build is off in the native profile; an existing target/quarkus-app is left as it was.
mvn -B -ntp -q package -DskipTests -Dnative -Dquarkus.native.sources-only=true -pl "${modules%,}" >&2
for stage in "${stages[@]}"; do
  sources=operators/$stage/target/native-sources
  # Quarkus's generated classes differ from one augmentation to the next, so the key is what they are made
  # from: the sources of the stage and of the project's modules it bundles, the third-party jars by name
  # and version, the builder's command line and the toolchain.
  modules=("operators/$stage")
  for jar in "$sources"/lib/*dev.podstage.podstage-*.jar; do
    name=${jar##*dev.podstage.podstage-}
    modules+=("operators/${name%-*.jar}")
  done
  key=$( { basename "$toolchain"; cat "$sources/native-image.args"; ls "$sources/lib" | grep -v 'dev\.podstage\.'; \
    find pom.xml "${modules[@]}" -path '*/target' -prune -o -type f \( -path '*/src/main/*' -o -name pom.xml \) -print0 \
      | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-16)
  out=$cache/$stage-$key
  if [ ! -x "$out/$stage" ]; then
    echo "native-stages: building $stage ($key)" >&2
    start=$(date +%s)
    work=$(mktemp -d "$cache/.build-$stage.XXXXXX")
    # Quarkus wrote the command line for a native-image run in this folder; the name is the last word before -jar.
    (cd "$sources" && "$toolchain/bin/native-image" @native-image.args -o "$work/$stage") >"$work.log" 2>&1 \
      || { tail -40 "$work.log" >&2; echo "native-stages: $stage failed, log: $work.log" >&2; exit 1; }
    rm -f "$work"/*.json "$work"/*.txt
    chmod 755 "$work"
    rm -rf "$out"
    mv "$work" "$out"
    mv "$work.log" "$out/build.log"
    echo "native-stages: $stage built in $(( $(date +%s) - start )) s, $(du -m "$out/$stage" | cut -f1) MB" >&2
  fi
  echo "$stage $out/$stage"
done
