#!/usr/bin/env bash
# Container image gate, first step: `tollgate run -- podman run ...` sees the container's
# processes because podman's containers are fork-descendants of the podman CLI (via conmon and
# runc). Builds a busybox image offline (no registry), with podman configured in a scratch
# folder (CONTAINERS_CONF / CONTAINERS_STORAGE_CONF; nothing in /etc is touched; engines.sh).
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
. "$here/../engines.sh"
engines_init
scratch=$engines_dir
podman_setup
busybox_rootfs_tar "$scratch/rootfs.tar" || skip "no static busybox to build the test image from (apt-get install -y busybox-static)"
pm import -q "$scratch/rootfs.tar" localhost/tollgate-test:1 > /dev/null 2>&1 || skip "podman import failed here"
pm run --rm --network none localhost/tollgate-test:1 /bin/true > "$scratch/bare.out" 2>&1 \
    || skip "podman cannot run a container on this machine, gate or not: $(tail -1 "$scratch/bare.out")"
# The gated podman is the CLI with the scratch configuration (pm's environment, no timeout of
# its own: the gate's run is bounded by the one around it).
export CONTAINERS_CONF="$scratch/containers.conf" CONTAINERS_STORAGE_CONF="$scratch/storage.conf"

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
