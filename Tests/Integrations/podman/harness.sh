#!/usr/bin/env bash
# Container image gate, first step: `tollgate run -- podman run ...` sees the container's
# processes because podman's containers are fork-descendants of the podman CLI (via conmon and
# runc). Builds a one-binary busybox image offline (no registry), with podman configured in a
# scratch folder (CONTAINERS_CONF / CONTAINERS_STORAGE_CONF; nothing in /etc is touched).
#   harness.sh TOLLGATE [BACKEND...]   default backends: ptrace, plus ebpf as root
# Skips with the reason printed (exit 0) when podman, runc or busybox-static is missing, or
# when podman cannot run a container here at all (no gate involved).
set -euo pipefail
harness=podman-harness
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
tollgate=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
backends=("$@")
[ ${#backends[@]} -eq 0 ] && { backends=(ptrace); [ "$(id -u)" -eq 0 ] && backends+=(ebpf); }

skip() { echo "$harness: SKIP: $*"; exit 0; }
for tool in podman runc; do command -v "$tool" > /dev/null || skip "'$tool' is not installed (apt-get install -y podman runc busybox-static)"; done
busybox=$(command -v busybox || true)
[ -n "$busybox" ] && ldd "$busybox" > /dev/null 2>&1 && busybox=""
[ -n "$busybox" ] || skip "no static busybox to build the test image from (apt-get install -y busybox-static)"

scratch=$(mktemp -d)
cleanup() { podman rm -af > /dev/null 2>&1 || true; chmod -R u+w "$scratch" 2> /dev/null; rm -rf "$scratch"; }
trap cleanup EXIT
# crun rejects this machine's hybrid cgroups: use runc; the runtime may not raise rlimits
# above the host's, so pin them low.
cat > "$scratch/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
cat > "$scratch/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$scratch/storage"
runroot = "$scratch/run"
CONF
export CONTAINERS_CONF="$scratch/containers.conf" CONTAINERS_STORAGE_CONF="$scratch/storage.conf"
mkdir -p "$scratch/rootfs/bin" "$scratch/rootfs/tmp"
cp "$busybox" "$scratch/rootfs/bin/busybox"
for applet in sh cp true echo; do ln -s busybox "$scratch/rootfs/bin/$applet"; done
tar -C "$scratch/rootfs" -cf "$scratch/rootfs.tar" .
podman import -q "$scratch/rootfs.tar" localhost/tollgate-test:1 > /dev/null 2>&1 || skip "podman import failed here"
podman run --rm --network none localhost/tollgate-test:1 /bin/true > "$scratch/bare.out" 2>&1 \
    || skip "podman cannot run a container on this machine, gate or not: $(tail -1 "$scratch/bare.out")"

marker_rules "$scratch/rules.yaml"
container_marker='cp /bin/busybox /tmp/tg-marker && /tmp/tg-marker true; echo container done'
for backend in "${backends[@]}"; do
    echo "$harness: backend $backend, a container that runs the marker"
    status=0
    "$tollgate" run --no-config --backend "$backend" --rules "$scratch/rules.yaml" --json "$scratch/$backend.json" \
        -- podman run --rm --network none localhost/tollgate-test:1 /bin/sh -c "$container_marker" > "$scratch/$backend.out" 2>&1 || status=$?
    sed 's/^/    | /' "$scratch/$backend.out" | head -12
    check "[$backend] the gate blocks (exit 3)" test "$status" -eq 3
    check "[$backend] the finding is the container's marker" contains "$scratch/$backend.json" 'Integration marker ran'
    echo "$harness: backend $backend, a clean container"
    status=0
    "$tollgate" run --no-config --backend "$backend" --rules "$scratch/rules.yaml" \
        -- podman run --rm --network none localhost/tollgate-test:1 /bin/sh -c 'echo container done' > "$scratch/$backend-clean.out" 2>&1 || status=$?
    check "[$backend] the gate passes (exit 0)" test "$status" -eq 0
    check "[$backend] the container ran" contains "$scratch/$backend-clean.out" 'container done'
done
finish
