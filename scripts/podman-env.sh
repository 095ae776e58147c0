# Sourced by the scripts: makes plain `podman run` work on these machines. crun fails on this
# kernel's hybrid cgroups, so podman uses runc with the cgroupfs manager and explicit ulimits.
# The file lives outside the repository (~/.config/podstage) and is rewritten when it differs.
podstage_containers_conf() {
  local dir=${XDG_CONFIG_HOME:-$HOME/.config}/podstage file want
  file=$dir/containers.conf
  want='[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"

[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]'
  mkdir -p "$dir"
  if [ "$(cat "$file" 2>/dev/null)" != "$want" ]; then
    printf '%s\n' "$want" >"$file"
  fi
  export CONTAINERS_CONF=$file
}

# Installs podman and runc from Debian when missing (root or passwordless sudo).
podstage_require_podman() {
  if command -v podman >/dev/null && command -v runc >/dev/null; then return 0; fi
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -n"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q podman runc >/dev/null
}

podstage_containers_conf
