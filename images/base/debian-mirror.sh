#!/usr/bin/env bash
# Prints the Debian mirror debootstrap should use for SUITE: PODSTAGE_DEBIAN_MIRROR when set, else the
# first http(s)/file URI that this machine's apt sources list for exactly that suite with deb packages
# (deb822 `*.sources` first, then one-line `sources.list` and `*.list`). The project names no mirror
# itself: it goes where the machine's apt goes. Exits 1, saying where it looked, when neither gives one.
#
# Usage: images/base/debian-mirror.sh SUITE
#   PODSTAGE_APT_ETC   the apt configuration directory to read (default /etc/apt; tests point it elsewhere)
set -euo pipefail

suite=${1:?usage: debian-mirror.sh SUITE}
etc=${PODSTAGE_APT_ETC:-/etc/apt}

if [ -n "${PODSTAGE_DEBIAN_MIRROR:-}" ]; then
  echo "$PODSTAGE_DEBIAN_MIRROR"
  exit 0
fi

deb822_uris() { # paragraphs of Types/URIs/Suites/Enabled; prints each URI of a deb paragraph listing $suite
  awk -v suite="$suite" '
    function flush() {
      if ((" " types " ") ~ / deb / && (" " suites " ") ~ (" " suite " ") && tolower(enabled) !~ /^ *no *$/) {
        n = split(uris, u, " "); for (i = 1; i <= n; i++) print u[i]
      }
      types = uris = suites = enabled = ""
    }
    /^[[:space:]]*#/ { next }
    /^[[:space:]]*$/ { flush(); next }
    { key = tolower($1); $1 = "" }
    key == "types:" { types = $0 } key == "uris:" { uris = $0 }
    key == "suites:" { suites = $0 } key == "enabled:" { enabled = $0 }
    END { flush() }' "$@"
}

one_line_uris() { # "deb [options] URI SUITE COMPONENTS..." lines for $suite
  awk -v suite="$suite" '
    $1 != "deb" { next }
    { i = 2; if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ } if ($(i + 1) == suite) print $i }' "$@"
}

sources=() lists=()
for f in "$etc"/sources.list.d/*.sources; do [ -f "$f" ] && sources+=("$f"); done
for f in "$etc"/sources.list "$etc"/sources.list.d/*.list; do [ -f "$f" ] && lists+=("$f"); done

mirror=$( { [ ${#sources[@]} -eq 0 ] || deb822_uris "${sources[@]}"; [ ${#lists[@]} -eq 0 ] || one_line_uris "${lists[@]}"; } \
  | grep -E '^(https?|file)://' | head -1 || true)
if [ -z "$mirror" ]; then
  echo "debian-mirror: no apt source in $etc/sources.list or $etc/sources.list.d/ lists deb packages of '$suite'" \
    "over http(s) or file: set PODSTAGE_DEBIAN_MIRROR to a Debian mirror that serves $suite" >&2
  exit 1
fi
echo "${mirror%/}"
