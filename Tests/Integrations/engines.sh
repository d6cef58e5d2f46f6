# Container engines of our own for the integration harnesses (source it): a private dockerd and
# podman configured in a scratch folder. Neither touches the host's engines, default sockets,
# /etc, networking or cgroups beyond its own: the daemon has its own data and exec roots,
# socket, pidfile and config file, no bridge, iptables or forwarding, and puts its containers
# below a cgroup named after its scratch folder, which engines_cleanup removes.
#
#   engines_init             a scratch folder ($engines_dir) and an EXIT trap that cleans up
#   busybox_rootfs_tar OUT   a static busybox with every applet linked, as an image tarball
#   dockerd_start            starts the daemon (30 s at most); then `dk ARGS` is its CLI
#   podman_setup             points podman at the scratch folder (`pm ARGS` is its CLI)
#
# Every engine call is bounded by `timeout` (TG_ENGINE_TIMEOUT seconds, default 120).

engine_timeout=${TG_ENGINE_TIMEOUT:-120}
engines_dir=""
dockerd_pid=""
podman_used=false

engines_init() {
    engines_dir=$(mktemp -d /tmp/tollgate-engines.XXXXXX)
    engines_cgroup=${engines_dir##*/}
    trap engines_cleanup EXIT
    trap 'exit 130' INT TERM
}

# A static busybox (Debian's busybox-static) with all its applets as symlinks.
busybox_rootfs_tar() {
    local out=$1 busybox rootfs="$engines_dir/rootfs"
    busybox=$(command -v busybox) || return 1
    ldd "$busybox" > /dev/null 2>&1 && return 1 # dynamic: not usable in an empty image
    mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/root"
    chmod 1777 "$rootfs/tmp"
    cp "$busybox" "$rootfs/bin/busybox"
    local applet
    for applet in $("$busybox" --list); do
        [ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' > "$rootfs/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
    "${rootfs_hook:-true}" "$rootfs"
    tar -C "$rootfs" -cf "$out" .
}

# The private daemon's CLI (the docker.io client, not another one earlier on PATH).
dk() {
    DOCKER_CONFIG="$engines_dir/docker-config" timeout -k 5 "$engine_timeout" /usr/bin/docker --host "unix://$engines_dir/docker.sock" "$@"
}

# Why a private dockerd cannot run here, or nothing.
dockerd_unavailable() {
    [ -x /usr/bin/docker ] && command -v dockerd > /dev/null || { echo "docker.io is not installed (apt-get install -y docker.io)"; return; }
    [ "$(id -u)" -eq 0 ] || echo "a private dockerd needs root"
}

dockerd_start() {
    local dir=$engines_dir
    mkdir -p "$dir/data" "$dir/exec" "$dir/docker-config"
    # Not the host's /etc/docker/daemon.json; the daemon's identity key not in /etc/docker.
    printf '{"deprecated-key-path": "%s"}\n' "$dir/key.json" > "$dir/daemon.json"
    setsid dockerd --config-file "$dir/daemon.json" --data-root "$dir/data" --exec-root "$dir/exec" \
        --pidfile "$dir/dockerd.pid" --host "unix://$dir/docker.sock" \
        --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
        --cgroup-parent "/$engines_cgroup" > "$dir/dockerd.log" 2>&1 < /dev/null &
    dockerd_pid=$!
    local tries=0
    until dk version > /dev/null 2>&1; do
        tries=$((tries + 1))
        if [ $tries -gt 300 ] || ! kill -0 "$dockerd_pid" 2> /dev/null; then
            echo "dockerd did not come up in 30 s; its log ends:"
            tail -5 "$dir/dockerd.log" | sed 's/^/  /'
            return 1
        fi
        sleep 0.1
    done
}

# The podman CLI with the scratch configuration.
pm() {
    CONTAINERS_CONF="$engines_dir/containers.conf" CONTAINERS_STORAGE_CONF="$engines_dir/storage.conf" \
        timeout -k 5 "$engine_timeout" podman "$@"
}

podman_setup() {
    local dir=$engines_dir
    podman_used=true
    # crun rejects this machine's hybrid cgroups: use runc; the runtime may not raise rlimits
    # above the host's, so pin them low.
    cat > "$dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
    cat > "$dir/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$dir/podman-storage"
runroot = "$dir/podman-run"
CONF
}

# Kills what is left of the processes started from the scratch folder (shims of containers a
# failure left running), by pid.
engines_kill_leftovers() {
    local proc pid
    for proc in /proc/[0-9]*; do
        pid=${proc#/proc/}
        [ "$pid" = "$$" ] && continue
        tr '\0' ' ' 2> /dev/null < "$proc/cmdline" | grep -qF "$engines_dir/" && kill -KILL "$pid" 2> /dev/null
    done
    return 0
}

engines_cleanup() {
    local status=$?
    set +e # clean up all the way, whatever fails on the way
    [ -n "$engines_dir" ] && [ -d "$engines_dir" ] || exit $status
    if $podman_used; then
        pm rm -af > /dev/null 2>&1 || true
    fi
    if [ -n "$dockerd_pid" ]; then
        local ids
        ids=$(dk ps -aq 2> /dev/null) && [ -n "$ids" ] && dk rm -f $ids > /dev/null 2>&1
        kill -TERM "$dockerd_pid" 2> /dev/null
        local tries=0
        while kill -0 "$dockerd_pid" 2> /dev/null && [ $tries -lt 200 ]; do sleep 0.1; tries=$((tries + 1)); done
        kill -KILL "$dockerd_pid" 2> /dev/null
        wait "$dockerd_pid" 2> /dev/null
    fi
    engines_kill_leftovers
    # Mounts below the scratch folder (overlay layers, the daemon's own), deepest first.
    awk -v root="$engines_dir/" 'index($5, root) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while read -r mount; do umount -l "$mount" 2> /dev/null; done
    # The containers' cgroup parent, in every hierarchy (v1 controllers and the v2 one).
    local cgroup
    for cgroup in /sys/fs/cgroup/*/"$engines_cgroup" /sys/fs/cgroup/"$engines_cgroup"; do
        [ -d "$cgroup" ] && find "$cgroup" -depth -type d -exec rmdir {} + 2> /dev/null
    done
    chmod -R u+w "$engines_dir" 2> /dev/null
    rm -rf "$engines_dir"
    exit $status
}
