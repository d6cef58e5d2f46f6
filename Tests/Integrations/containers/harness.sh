#!/usr/bin/env bash
# The gate inside a CI job's container (issue 29): GitLab's Docker executor and GitHub's
# `container:` jobs run the job in a container with the engine's default seccomp profile and
# capabilities (no CAP_SYS_PTRACE), where eBPF is unavailable and the ptrace and seccomp
# backends carry the gate. The static release binary is mounted into a busybox container
# (glibc from the host's /lib, /lib64 and /usr/lib, read-only; --network=none) of a private
# dockerd and of podman, and each case runs as root and as uid 65534, on both backends:
#   key      `cat /root/.ssh/id_rsa` (the job's first process): CI Read SSH private key
#   revshell busybox `nc -e` to a listener on the container's loopback: CI Reverse shell
#   environ  `cat /proc/<sibling>/environ`: CI Read another process memory or environment
#   falco    `cat /etc/shadow` with Falco's stable rules: Read sensitive file untrusted (on
#            seccomp, which sees no return values, an unknown result counts as a success)
#   build    an honest build (files written under a workspace): exit 0, no finding
# The image's fake key and /etc/shadow are world-readable so that uid 65534 reads them too.
#
#   harness.sh RELEASE [ENGINE...]   RELEASE: a scripts/release.sh tarball or the binary;
#                                    engines: docker (private dockerd) and podman, by default
# Under dockerd it also runs the GitLab component's script in the container as a Docker-executor
# job would (skipped when PYTHON, default python3, lacks ruamel.yaml).
# Env: FALCO_RULES (default ../shared/falco-rules/falco_rules.yaml), TG_ENGINE_TIMEOUT, PYTHON.
# An engine that cannot run here is skipped with the reason; with CI=true a missing dockerd
# fails instead (CI installs docker.io through scripts/install-deps.sh).
set -uo pipefail
harness=containers-harness
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/../engines.sh"
release=${1:?usage: harness.sh RELEASE [ENGINE...]}
shift
engines=("$@")
[ ${#engines[@]} -eq 0 ] && engines=(docker podman)
falco_rules=${FALCO_RULES:-$here/../../../../shared/falco-rules/falco_rules.yaml}
[ -f "$falco_rules" ] || { echo "$harness: error: Falco's rules are not at '$falco_rules' (set FALCO_RULES)"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "$harness: SKIP: needs root to start container engines"; exit 0; }

engines_init
tg=$engines_dir/tg
mkdir -p "$tg"
case "$release" in
    *.tar.gz) tar -xzf "$release" -C "$tg" --strip-components=1 || exit 1 ;;
    *) cp "$release" "$tg/tollgate" || exit 1 ;;
esac
cp "$falco_rules" "$tg/falco_rules.yaml"
chmod -R a+rX "$tg"

# The job's world: a fake SSH key and password file, a workspace.
job_files() {
    local root=$1
    mkdir -p "$root/root/.ssh" "$root/workspace"
    printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nFAKEKEY\n-----END OPENSSH PRIVATE KEY-----\n' > "$root/root/.ssh/id_rsa"
    printf 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' > "$root/etc/shadow"
    chmod 755 "$root/root" "$root/root/.ssh"
    chmod 644 "$root/root/.ssh/id_rsa" "$root/etc/shadow"
    chmod 1777 "$root/workspace"
}
rootfs_hook=job_files
busybox_rootfs_tar "$engines_dir/image.tar" || { echo "$harness: SKIP: no static busybox (apt-get install -y busybox-static)"; exit 0; }
image=localhost/tollgate-job:1
mounts=(-v "$tg:/opt/tg:ro" -v /lib:/lib:ro -v /lib64:/lib64:ro -v /usr/lib:/usr/lib:ro)

# One case: NAME EXIT RULES CHECK... -- JOB...; RULES is "default" or "falco"; a CHECK is
# "RULE|FIELD=GLOB|..." or "none". Runs on every user and backend of the current engine.
run_case() {
    local name=$1 expected=$2 rules=$3
    shift 3
    local checks=()
    while [ "$1" != "--" ]; do checks+=("$1"); shift; done
    shift
    local rule_args=()
    [ "$rules" = falco ] && rule_args=(--rules /opt/tg/falco_rules.yaml)
    local user backend
    for user in 0 65534; do
        for backend in ptrace seccomp; do
            local label="$engine uid $user $backend $name" out="$engines_dir/out/$engine-$user-$backend-$name"
            mkdir -p "$out" && chmod 777 "$out"
            local status=0 start=$SECONDS
            engine_run --user "$user:$user" -v "$out:/out" "$image" \
                /opt/tg/tollgate run --no-config --backend "$backend" --grace 5 "${rule_args[@]}" \
                --json /out/findings.json --junit /out/junit.xml -- "$@" > "$out/output" 2>&1 || status=$?
            echo "  [$label] exit $status in $((SECONDS - start)) s"
            grep '^tollgate:' "$out/output" | sed 's/^/    | /' | cut -c1-220
            check "[$label] the gate exits $expected" test "$status" -eq "$expected"
            local spec
            for spec in "${checks[@]}"; do
                if [ "$spec" = none ]; then
                    check "[$label] no finding" python3 "$here/findings.py" "$out/findings.json" --none
                    continue
                fi
                local parts
                IFS='|' read -r -a parts <<< "$spec"
                check "[$label] ${parts[*]}" python3 "$here/findings.py" "$out/findings.json" "${parts[@]}"
            done
        done
    done
}

# Commands inside `sh -c` are named by path: Debian's static busybox sh runs an applet named
# bare through /proc/self/exe, whose comm the kernel then reports as "exe". proc.exepath is the
# file the kernel runs, as in Falco: /bin/busybox for its applets' symlinks.
run_cases() {
    run_case key 3 default "CI Read SSH private key|fd.name=/root/.ssh/id_rsa|proc.name=cat|proc.exepath=/bin/busybox|proc.pname=tollgate" \
        -- cat /root/.ssh/id_rsa
    run_case revshell 3 default "CI Reverse shell|proc.name=nc|fd.name=*127.0.0.1:4444|proc.pname=sh" \
        -- sh -c '/bin/nc -l -p 4444 -e /bin/true & for i in 1 2 3 4 5 6 7 8 9 10; do /bin/nc 127.0.0.1 4444 -e /bin/true && break; /bin/sleep 0.2; done; wait'
    run_case environ 3 default "CI Read another process memory or environment|fd.name=/proc/[0-9]*/environ|proc.name=cat|proc.pname=sh" \
        -- sh -c '/bin/sleep 30 & victim=$!; /bin/cat /proc/$victim/environ > /dev/null; kill $victim'
    # Falco's rule needs the open's result (fd.num >= 0); seccomp, which sees no result, takes an
    # unknown one for a success.
    run_case falco 3 falco "Read sensitive file untrusted|fd.name=/etc/shadow|proc.name=cat|proc.exepath=/bin/busybox" \
        -- cat /etc/shadow
    run_case build 0 default none \
        -- sh -c 'cd /workspace && mkdir -p src out && printf "int main(void) { return 0; }\n" > src/main.c && cp src/main.c out/main.c && sha256sum src/main.c > out/SUMS && tar -cf out/src.tar src && gzip -f out/src.tar && ls out > out/list && echo build done'
}

# GitLab's Docker executor: the component's script (templates/tollgate.yml, rendered with
# PYTHON's ruamel.yaml) run by the container's sh with tollgate on PATH, as a runner would.
gitlab_component() {
    local python=${PYTHON:-python3} out="$engines_dir/out/$engine-gitlab"
    if ! "$python" -c 'import ruamel.yaml' 2> /dev/null; then
        echo "$harness: SKIP the GitLab component run: no Python with ruamel.yaml (set PYTHON)"
        return
    fi
    mkdir -p "$out" && chmod 777 "$out"
    "$python" "$here/../gitlab/render.py" script "$here/../../../templates/tollgate.yml" tollgate \
        'command=echo building; /bin/cat /root/.ssh/id_rsa > /dev/null; echo built' > "$out/job.sh" || { check "render the GitLab component" false; return; }
    local status=0
    engine_run --user 65534:65534 -v "$out:/builds/project" -w /builds/project \
        -e GITLAB_CI=true -e CI=true -e CI_CONFIG_PATH=.gitlab-ci.yml -e CI_PROJECT_DIR=/builds/project \
        -e CI_JOB_NAME=tollgate -e PATH=/opt/tg:/bin "$image" sh job.sh > "$out/output" 2>&1 || status=$?
    echo "  [$engine GitLab component, uid 65534] exit $status"
    sed 's/^/    | /' "$out/output" | cut -c1-220
    check "[$engine GitLab component] the job fails with the gate's 3" test "$status" -eq 3
    check "[$engine GitLab component] Code Quality names the key read" contains "$out/gl-code-quality-report.json" 'CI Read SSH private key'
    check "[$engine GitLab component] JUnit has the failure" contains "$out/gl-tollgate-junit.xml" '<failure type="ERROR"'
}

for engine in "${engines[@]}"; do
    start=$SECONDS
    case "$engine" in
        docker)
            reason=$(dockerd_unavailable)
            if [ -n "$reason" ]; then
                [ "${CI:-}" = true ] && { check "docker engine available in CI ($reason)" false; continue; }
                echo "$harness: SKIP docker: $reason"; continue
            fi
            dockerd_start || { check "the private dockerd starts" false; continue; }
            dk import "$engines_dir/image.tar" "$image" > /dev/null || { check "docker import of the busybox image" false; continue; }
            engine_run() { dk run --rm --network=none "${mounts[@]}" "$@"; }
            ;;
        podman)
            command -v podman > /dev/null && command -v runc > /dev/null || { echo "$harness: SKIP podman: not installed (apt-get install -y podman runc)"; continue; }
            podman_setup
            pm import "$engines_dir/image.tar" "$image" > /dev/null 2>&1 || { echo "$harness: SKIP podman: podman import failed here"; continue; }
            engine_run() { pm run --rm --network=none --cgroup-parent "/$engines_cgroup" "${mounts[@]}" "$@"; }
            ;;
        *) echo "$harness: error: unknown engine '$engine' (docker or podman)"; exit 64 ;;
    esac
    echo "$harness: $engine: the engine's own view of the container"
    engine_run "$image" sh -c 'grep -E "^(Seccomp|CapEff):" /proc/self/status' | sed 's/^/    | /'
    run_cases
    [ "$engine" = docker ] && gitlab_component
    echo "$harness: $engine took $((SECONDS - start)) s"
done
finish
