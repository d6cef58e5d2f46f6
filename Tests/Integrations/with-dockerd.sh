#!/usr/bin/env bash
# Runs COMMAND beside a private dockerd (engines.sh: its own data and exec roots, socket and
# cgroup parent; no bridge, iptables or forwarding) that holds one image, a static busybox with
# a planted fake SSH key at /root/.ssh/id_rsa, then stops the daemon and removes what it left.
#
#   with-dockerd.sh COMMAND [ARG...]
#
# COMMAND sees TG_DOCKER_HOST (unix://<the daemon's socket>), TG_IMAGE, TG_ENGINE_DIR (a scratch
# folder removed afterwards) and DOCKER_CONFIG (a docker CLI configuration of its own). Exits
# with COMMAND's status, or 77 with the reason on standard output when no daemon can run here.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/engines.sh"
reason=$(dockerd_unavailable)
[ -z "$reason" ] || { echo "SKIP: $reason"; exit 77; }
engines_init
plant_key() {
    mkdir -p "$1/root/.ssh"
    printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nFAKEKEY\n-----END OPENSSH PRIVATE KEY-----\n' > "$1/root/.ssh/id_rsa"
    chmod 700 "$1/root/.ssh"
    chmod 600 "$1/root/.ssh/id_rsa"
}
rootfs_hook=plant_key
busybox_rootfs_tar "$engines_dir/image.tar" || { echo "SKIP: no static busybox (apt-get install -y busybox-static)"; exit 77; }
dockerd_start || { echo "SKIP: the private dockerd did not start"; exit 77; }
export TG_IMAGE=localhost/tollgate-job:1
dk import "$engines_dir/image.tar" "$TG_IMAGE" > /dev/null || { echo "error: docker import failed"; exit 1; }
export TG_DOCKER_HOST="unix://$engines_dir/docker.sock" TG_ENGINE_DIR=$engines_dir DOCKER_CONFIG=$engines_dir/docker-config
"$@"
