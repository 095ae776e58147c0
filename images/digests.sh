# Sourced by images/build.sh and images/build-native.sh.
#   commit_digests FILE: FILE.new holds the "<image> <digest> <size>" lines of the images just built; the images
#   built before and not rebuilt now keep their lines from FILE (images/build.sh infer rebuilds only infer),
#   and FILE.new replaces FILE.
commit_digests() {
  local digests=$1 image rest
  if [ -f "$digests" ]; then
    while read -r image rest; do
      grep -q "^$image " "$digests.new" || echo "$image $rest" >>"$digests.new"
    done <"$digests"
  fi
  mv "$digests.new" "$digests"
}
