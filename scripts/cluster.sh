#!/usr/bin/env bash
# A one-node Kubernetes cluster on this machine, for running the stages as KubernetesPodOperator runs
# them: Kubernetes built from Go modules (build-tools/k8s/build.sh), containerd and etcd unpacked from
# their Debian packages (no system service started), Debian's runc and CNI plugins, a pause image built
# from build-tools/k8s/pause.c, and a registry the node pulls from (Debian's docker-registry, the CNCF
# distribution registry, also unpacked). Every listener is on 127.0.0.1; pods get a bridge with no host
# address (no routing, no NAT, no iptables rule). State under ~/.cache/podstage/cluster/. Needs root.
#
# Usage: scripts/cluster.sh start|stop|status|env
#   start   idempotent: a running cluster is left alone; prints the phases with their times
#   stop    deletes the pods, stops every process and leaves the host as it found it: mounts, the
#           bridge, CNI state, cgroups and the kernel settings the kubelet changes
#   status  each process with its RSS
#   env     export KUBECONFIG=... PODSTAGE_KUBECTL=... PODSTAGE_REGISTRY=127.0.0.1:PORT (eval it)
#   push IMAGE NAME   pushes a podman image to the registry as NAME (repository:tag); prints
#                     PODSTAGE_REGISTRY/NAME@sha256:..., the reference a pod spec should use
#   push-images       pushes every stage image images/build.sh built (images/out/digests.txt) and
#                     writes their digests where env's PODSTAGE_IMAGE_DIGESTS_FILE points
#   drop-images       removes every image but the sandbox's from the node (containerd), so the
#                     next pod of each pulls it cold (bench/run kubernetes)
#   namespace NAME DIR   a production-shaped namespace for the stages: Pod Security "restricted"
#                     enforced, and the data volume claim podstage-data bound to a local
#                     PersistentVolume on the host directory DIR (made writable for the stages' uid)
#
# Why each odd setting is there (all found on these machines): docs/adr/0010-kubernetes-from-go-modules.md.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/apt.sh
. "$REPO/scripts/apt.sh"
STATE=${PODSTAGE_CLUSTER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/podstage/cluster}
DEBS=$STATE/debs
ROOTFS=$DEBS/root/usr/bin # containerd, containerd-shim-runc-v2, ctr, etcd, docker-registry
RUN=$STATE/run
VAR=$STATE/var
ETC=$STATE/etc
LOGS=$STATE/logs
PKI=$STATE/pki
SOCK=$RUN/containerd/containerd.sock
API_PORT=${PODSTAGE_CLUSTER_API_PORT:-16443}
API=https://127.0.0.1:$API_PORT
ETCD=http://127.0.0.1:23790
NODE=localhost # the kubelet refuses a loopback node IP; by name, the apiserver reaches it on 127.0.0.1
POD_CIDR=10.244.0.0/24
BRIDGE=podstage0
PAUSE_IMAGE=localhost/podstage/pause:1.0
REGISTRY=127.0.0.1:${PODSTAGE_REGISTRY_PORT:-5000}
KUBECONFIG_FILE=$ETC/admin.kubeconfig
# The kernel settings the kubelet rewrites at start; stop puts back what start found.
SYSCTLS="vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes"
PROCESSES="etcd registry containerd kube-apiserver kube-controller-manager kube-scheduler kubelet"
DEB_PACKAGES="containerd etcd-server busybox-static docker-registry"

log() { echo "cluster: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

wait_for() { # wait_for SECONDS WHAT COMMAND...
  local seconds=$1 what=$2 i
  shift 2
  for ((i = 0; i < seconds * 5; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  log "$what did not come up within ${seconds}s (logs: $LOGS)"
  return 1
}

running() { [ -s "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

spawn() { # spawn NAME COMMAND...: in the background, its own session, pid in $RUN/NAME.pid
  local name=$1
  shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

# containerd, etcd and the registry come unpacked from their packages: installing them would start
# system services.
unpack_debs() {
  [ -x "$ROOTFS/containerd" ] && [ -x "$ROOTFS/etcd" ] && [ -x "$ROOTFS/docker-registry" ] && return 0
  log "unpacking $DEB_PACKAGES from their Debian packages"
  rm -rf "$DEBS" && mkdir -p "$DEBS/root"
  # shellcheck disable=SC2086 # the package list is words
  podstage_apt_download "$DEBS" $DEB_PACKAGES
  local deb
  for deb in "$DEBS"/*.deb; do dpkg-deb -x "$deb" "$DEBS/root"; done
}

kubectl() { "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

write_pki() {
  [ -f "$PKI/ca.crt" ] && return 0
  log "a throw-away certificate authority in $PKI"
  mkdir -p "$PKI"
  (
    cd "$PKI"
    openssl genrsa -out ca.key 2048 2>/dev/null
    openssl req -x509 -new -key ca.key -subj "/CN=podstage-cluster-ca" -days 3650 -out ca.crt
    cert() { # cert NAME SUBJECT EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES]
      openssl genrsa -out "$1.key" 2048 2>/dev/null
      openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
      printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n%s' \
        "$3" "${4:+subjectAltName=$4}" >"$1.ext"
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile "$1.ext" \
        -out "$1.crt" 2>/dev/null
      rm -f "$1.csr" "$1.ext"
    }
    cert apiserver "/CN=kube-apiserver" serverAuth \
      "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.96.0.1"
    cert kubelet-serving "/CN=$NODE" serverAuth "DNS:$NODE,IP:127.0.0.1"
    cert admin "/O=system:masters/CN=podstage-admin" clientAuth
    cert node "/O=system:nodes/CN=system:node:$NODE" clientAuth
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    chmod 600 ./*.key
  )
}

write_kubeconfig() { # write_kubeconfig FILE USER CERT
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: podstage
  cluster: {server: $API, certificate-authority: $PKI/ca.crt}
users:
- name: $2
  user: {client-certificate: $PKI/$3.crt, client-key: $PKI/$3.key}
contexts:
- name: podstage
  context: {cluster: podstage, user: $2, namespace: default}
current-context: podstage
EOF
}

write_configs() {
  mkdir -p "$RUN" "$VAR"/{etcd,containerd,kubelet,pods,cni,registry} "$ETC/cni" "$LOGS"
  write_pki
  write_kubeconfig "$KUBECONFIG_FILE" podstage-admin admin
  write_kubeconfig "$ETC/kubelet.kubeconfig" "system:node:$NODE" node
  cat >"$ETC/containerd.toml" <<EOF
version = 2
root = "$VAR/containerd"
state = "$RUN/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$VAR/containerd-opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  disable_apparmor = true
  # The VM's capability bounding set lacks CAP_SYS_RESOURCE: runc cannot lower a sandbox's oom_score_adj
  # to -998 and every sandbox would fail; clamp pods' scores to containerd's own.
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        Root = "$RUN/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$ETC/cni"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$ETC/certs.d"
EOF
  # The node pulls from the cluster's own registry over plain HTTP: it is on loopback.
  mkdir -p "$ETC/certs.d/$REGISTRY"
  cat >"$ETC/certs.d/$REGISTRY/hosts.toml" <<EOF
server = "http://$REGISTRY"

[host."http://$REGISTRY"]
  capabilities = ["pull", "resolve"]
EOF
  cat >"$ETC/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $VAR/registry
  delete:
    enabled: true
http:
  addr: $REGISTRY
health:
  storagedriver:
    enabled: true
EOF
  # A bridge with no address on the host, no gateway and no masquerading: pods reach each other, nothing else.
  cat >"$ETC/cni/10-podstage.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "podstage",
  "plugins": [
    {"type": "bridge", "bridge": "$BRIDGE", "isGateway": false, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "dataDir": "$VAR/cni", "ranges": [[{"subnet": "$POD_CIDR"}]]}},
    {"type": "loopback"}
  ]
}
EOF
  cat >"$ETC/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: AlwaysAllow}
# cgroup v1 (hybrid) here: cgroupfs, and 1.34's kubelet still accepts v1 when told to
cgroupDriver: cgroupfs
failCgroupV1: false
containerRuntimeEndpoint: unix://$SOCK
podLogsDir: $VAR/pods
failSwapOn: false
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
maxPods: 30
EOF
}

# The sandbox image: build-tools/k8s/pause.c, static, alone in a one-layer image imported into containerd.
pause_image() {
  local ctr=("$ROOTFS/ctr" --address "$SOCK" -n k8s.io)
  "${ctr[@]}" images ls -q | grep -qx "$PAUSE_IMAGE" && return 0
  local dir=$STATE/pause
  rm -rf "$dir" && mkdir -p "$dir/layer"
  gcc -static -Os -s -o "$dir/layer/pause" "$REPO/build-tools/k8s/pause.c"
  python3 "$REPO/build-tools/k8s/image-archive.py" --layer "$dir/layer" --entrypoint /pause \
    --name "$PAUSE_IMAGE" --output "$dir/pause.tar"
  "${ctr[@]}" images import "$dir/pause.tar" >/dev/null
}

drop_images() {
  local ctr=("$ROOTFS/ctr" --address "$SOCK" -n k8s.io) ref
  # Every name of every image but the sandbox's: the CRI plugin also names each image by its id (sha256:…),
  # which would keep its layers. --sync: containerd deletes the layers no name refers to any more.
  for ref in $("${ctr[@]}" images ls -q | grep -vxF "$PAUSE_IMAGE"); do "${ctr[@]}" images rm --sync "$ref" >/dev/null; done
}

start() {
  [ "$(id -u)" = 0 ] || { log "needs root (containerd, the kubelet and the bridge)"; exit 1; }
  if running kube-apiserver && running kubelet && kubectl get --raw /readyz >/dev/null 2>&1; then
    log "already running (KUBECONFIG=$KUBECONFIG_FILE)"
    return 0
  fi
  running etcd && stop
  local t0
  t0=$(now)
  podstage_apt_install runc containernetworking-plugins openssl gcc libc6-dev
  unpack_debs
  write_configs
  [ -f "$RUN/sysctl.orig" ] || sysctl $SYSCTLS >"$RUN/sysctl.orig"
  # containerd 1.6 puts its shims' sockets in /run/containerd/s and libcni caches results in /var/lib/cni,
  # whatever its configuration says: note whether they were here, so stop removes only what we made.
  [ -d /run/containerd ] || touch "$RUN/made-run-containerd"
  [ -d /var/lib/cni ] || touch "$RUN/made-var-lib-cni"

  spawn etcd "$ROOTFS/etcd" --name podstage --data-dir "$VAR/etcd" \
    --listen-client-urls "$ETCD" --advertise-client-urls "$ETCD" \
    --listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 \
    --initial-cluster podstage=http://127.0.0.1:23800 --quota-backend-bytes 1073741824
  PATH=$ROOTFS:/usr/sbin:/usr/bin:/sbin:/bin spawn containerd "$ROOTFS/containerd" --config "$ETC/containerd.toml"
  spawn registry "$ROOTFS/docker-registry" serve "$ETC/registry.yml"
  wait_for 30 etcd curl -fsS "$ETCD/health"
  log "etcd up ($(since "$t0")s)"
  wait_for 30 registry curl -fsS "http://$REGISTRY/v2/"
  log "registry up on $REGISTRY ($(since "$t0")s)"
  wait_for 30 containerd "$ROOTFS/ctr" --address "$SOCK" version
  log "containerd up ($(since "$t0")s)"

  spawn kube-apiserver "$K8S_BIN/kube-apiserver" \
    --etcd-servers="$ETCD" --bind-address=127.0.0.1 --secure-port="$API_PORT" --advertise-address=127.0.0.1 \
    --endpoint-reconciler-type=none --service-cluster-ip-range=10.96.0.0/24 \
    --client-ca-file="$PKI/ca.crt" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --kubelet-client-certificate="$PKI/admin.crt" --kubelet-client-key="$PKI/admin.key" \
    --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=Hostname \
    --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$PKI/sa.pub" \
    --service-account-signing-key-file="$PKI/sa.key" \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction --profiling=false
  pause_image
  log "pause image ready ($(since "$t0")s)"
  wait_for 90 apiserver kubectl get --raw /readyz
  log "apiserver ready ($(since "$t0")s)"

  spawn kube-controller-manager "$K8S_BIN/kube-controller-manager" --kubeconfig="$KUBECONFIG_FILE" \
    --bind-address=127.0.0.1 --secure-port=0 --leader-elect=false \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" --use-service-account-credentials \
    --profiling=false
  spawn kube-scheduler "$K8S_BIN/kube-scheduler" --kubeconfig="$KUBECONFIG_FILE" \
    --bind-address=127.0.0.1 --secure-port=0 --leader-elect=false --profiling=false
  # A PATH without sbin: the kubelet finds no iptables and creates none of its canary chains.
  PATH=/usr/bin:/bin spawn kubelet "$K8S_BIN/kubelet" --config="$ETC/kubelet.yaml" \
    --kubeconfig="$ETC/kubelet.kubeconfig" --root-dir="$VAR/kubelet" --hostname-override="$NODE"

  wait_for 120 "node $NODE Ready" sh -c "'$K8S_BIN/kubectl' --kubeconfig '$KUBECONFIG_FILE' get node $NODE \
    -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
  log "node Ready ($(since "$t0")s)"
  wait_for 60 "the default service account" kubectl -n default get serviceaccount default
  log "cluster ready in $(since "$t0")s (KUBECONFIG=$KUBECONFIG_FILE)"
}

stop_process() { # stop_process NAME [SECONDS]: TERM, then KILL after SECONDS
  local file=$RUN/$1.pid pid i
  [ -s "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for ((i = 0; i < ${2:-20} * 5; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$file"
}

stop() {
  [ "$(id -u)" = 0 ] || { log "needs root"; exit 1; }
  local ctr=("$ROOTFS/ctr" --address "$SOCK" -n k8s.io) id
  if running kube-apiserver && running kubelet && kubectl get --raw /readyz >/dev/null 2>&1; then
    # The kubelet tears the pods down itself: sandboxes stopped, CNI DEL, network namespaces removed.
    kubectl delete pods --all --all-namespaces --grace-period=1 --timeout=60s >/dev/null 2>&1 || true
  fi
  stop_process kubelet
  if [ -S "$SOCK" ]; then
    for id in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    sleep 1
    for id in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks delete -f "$id" >/dev/null 2>&1 || true; done
    for id in $("${ctr[@]}" containers ls -q 2>/dev/null); do "${ctr[@]}" containers delete "$id" >/dev/null 2>&1 || true; done
  fi
  stop_process kube-scheduler
  stop_process kube-controller-manager
  stop_process containerd
  # Shims left by an interrupted create: ours only, found by their executable.
  local exe
  for exe in /proc/[0-9]*/exe; do
    case "$(readlink "$exe" 2>/dev/null)" in
      "$ROOTFS"/containerd-shim*) id=${exe%/exe}; kill -KILL "${id##*/}" 2>/dev/null || true ;;
    esac
  done
  stop_process kube-apiserver
  stop_process etcd
  stop_process registry
  # What the pods leave on the host: mounts under the state directory (overlay roots, network
  # namespaces, volumes), the bridge, libcni's result cache, the kubepods cgroups, the kernel settings.
  { grep -o " $STATE/[^ ]*" /proc/mounts || true; } | sort -r | while read -r mount; do
    umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  rm -f /var/lib/cni/results/podstage-* 2>/dev/null || true
  if [ -f "$RUN/made-var-lib-cni" ]; then
    rm -rf /var/lib/cni
    rm -f "$RUN/made-var-lib-cni"
  fi
  if [ -f "$RUN/made-run-containerd" ]; then
    rm -rf /run/containerd
    rm -f "$RUN/made-run-containerd"
  fi
  local cgroup
  for cgroup in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [ -d "$cgroup" ] && find "$cgroup" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  if [ -f "$RUN/sysctl.orig" ]; then
    sed 's/ = /=/' "$RUN/sysctl.orig" | xargs sysctl -q -w
    rm -f "$RUN/sysctl.orig"
  fi
  log "stopped"
}

push() { # push IMAGE NAME
  [ $# -eq 2 ] || { echo "usage: $0 push IMAGE NAME" >&2; exit 2; }
  running registry || { log "the cluster is not running"; exit 1; }
  # shellcheck source=scripts/podman-env.sh
  . "$REPO/scripts/podman-env.sh"
  local digest_file=$RUN/push.digest
  podman push --quiet --tls-verify=false --digestfile "$digest_file" "$1" "docker://$REGISTRY/$2" >&2
  echo "$REGISTRY/${2%%:*}@$(cat "$digest_file")"
}

push_images() {
  local built=$REPO/images/out/digests.txt image reference stage
  [ -s "$built" ] || { log "no stage images: run images/build.sh first ($built is missing)"; exit 1; }
  : >"$STATE/image-digests.part"
  while read -r image _; do
    stage=${image##*/}
    reference=$(push "$image" "podstage/$stage")
    echo "${stage%%:*} ${reference##*@}" >>"$STATE/image-digests.part"
    log "pushed $reference"
  done <"$built"
  mv "$STATE/image-digests.part" "$STATE/image-digests"
}

namespace() { # namespace NAME DIR
  [ $# -eq 2 ] || { echo "usage: $0 namespace NAME DIR" >&2; exit 2; }
  local name=$1 dir
  mkdir -p "$2"
  dir=$(cd "$2" && pwd)
  # The stages run as uid 1001, group 0 (images/base/build.sh); fsGroup does not reach a local volume.
  chown -R 1001:0 "$dir"
  chmod -R u+rwX,g+rwX "$dir"
  # A volume's path cannot change: one left by an earlier run on another directory goes first, with its claim.
  local path
  path=$(kubectl get pv "$name-data" -o jsonpath='{.spec.local.path}' 2>/dev/null || true)
  if [ -n "$path" ] && [ "$path" != "$dir" ]; then
    kubectl -n "$name" delete pvc podstage-data --ignore-not-found --wait=true --timeout=60s >/dev/null
    kubectl delete pv "$name-data" --wait=true --timeout=60s >/dev/null
  fi
  kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $name
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: $name-data
  labels: {podstage.dev/namespace: $name}
spec:
  capacity: {storage: 10Gi}
  accessModes: [ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: podstage-local
  claimRef: {namespace: $name, name: podstage-data}
  local: {path: $dir}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: kubernetes.io/hostname, operator: In, values: [$NODE]}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: podstage-data
  namespace: $name
spec:
  accessModes: [ReadWriteMany]
  storageClassName: podstage-local
  volumeName: $name-data
  resources: {requests: {storage: 10Gi}}
EOF
  wait_for 30 "claim podstage-data bound in $name" sh -c "'$K8S_BIN/kubectl' --kubeconfig '$KUBECONFIG_FILE' \
    -n '$name' get pvc podstage-data -o jsonpath='{.status.phase}' | grep -qx Bound"
  log "namespace $name: restricted, podstage-data bound to $dir"
}

status() {
  local name pid
  for name in $PROCESSES; do
    if running "$name"; then
      pid=$(cat "$RUN/$name.pid")
      echo "$name: up, pid $pid, rss $(($(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status") / 1024)) MiB"
    else
      echo "$name: down"
    fi
  done
}

# Only start builds the binaries (the first time on a machine); the other commands use what is there.
if [ "${1:-}" = start ]; then K8S_BIN=$("$REPO/build-tools/k8s/build.sh"); else K8S_BIN=$("$REPO/build-tools/k8s/build.sh" --dir); fi
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  push) shift; push "$@" ;;
  push-images) push_images ;;
  drop-images) drop_images ;;
  namespace) shift; namespace "$@" ;;
  env)
    printf 'export KUBECONFIG=%s\nexport PODSTAGE_KUBECTL=%s\nexport PODSTAGE_REGISTRY=%s\n' \
      "$KUBECONFIG_FILE" "$K8S_BIN/kubectl" "$REGISTRY"
    printf 'export PODSTAGE_IMAGE_REGISTRY=%s/podstage\nexport PODSTAGE_IMAGE_DIGESTS_FILE=%s\n' \
      "$REGISTRY" "$STATE/image-digests"
    ;;
  *) echo "usage: $0 start|stop|status|env|push IMAGE NAME|push-images|namespace NAME DIR" >&2; exit 2 ;;
esac
