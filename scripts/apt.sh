# shellcheck shell=bash
# Sourced by the scripts that need Debian packages: installed when missing, or only downloaded (to
# unpack, when installing would start a system service). Each tries once as is, then once more after
# `apt-get update` (a fresh machine may have no package lists). As root, or through sudo.

podstage_as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

podstage_apt_install() { # podstage_apt_install PACKAGE...: those not installed yet
  local missing=() pkg
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "apt: installing ${missing[*]}" >&2
  podstage_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { podstage_as_root apt-get update -qq >/dev/null \
      && podstage_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }
}

podstage_apt_download() { # podstage_apt_download DIR PACKAGE...: the .deb files into DIR
  local dir=$1
  shift
  (cd "$dir" && apt-get download "$@" >/dev/null 2>&1) \
    || { podstage_as_root apt-get update -qq >/dev/null && (cd "$dir" && apt-get download "$@" >/dev/null); }
}
