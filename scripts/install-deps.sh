#!/usr/bin/env bash
# Installs the system packages tollgate needs to build and test, if they are missing.
#   libbpf-dev, libelf-dev, zlib1g-dev: libbpf loads the embedded eBPF capture program
#   libseccomp-dev: seccomp filters for the seccomp and ptrace backends
#   util-linux: setpriv, which the tests use to run tollgate as an unprivileged user
#   libxml2-utils: xmllint, which the tests use to validate JUnit reports against junit.xsd
#   strace: a job that uses ptrace itself, for the seccomp backend's tests and benchmarks
#   podman, runc, busybox-static: the container-image gate's harness (a static busybox image)
#   docker.io: dockerd, containerd and the docker CLI; the container harnesses start a private
#     daemon of their own (temporary folders and socket, no bridge or iptables) to run the gate
#     inside a default-profile container, as GitLab's Docker executor and GitHub's `container:`
#     jobs do. Installing it starts no daemon where services cannot start (policy-rc.d, no systemd).
#   openssh-client, procps: ssh-keygen and ps, trusted tools that attack tests hijack
#   gnupg, curl: tools the honest corpus runs on their own credential stores (gpg, curl -n)
#   python3-yaml: scripts/validate-config reads .tollgate.yaml files to check them against the schema
# and, through pip when python3 lacks it, jsonschema (SARIF reports are validated with it).
# Run as root or with sudo available; it does nothing when everything is present.
set -euo pipefail

packages=(libbpf-dev libelf-dev zlib1g-dev libseccomp-dev util-linux libxml2-utils strace podman runc busybox-static docker.io openssh-client procps python3-yaml gnupg curl)

if ! python3 -c 'import jsonschema' 2>/dev/null; then
    echo "install-deps: installing the python3 module jsonschema"
    python3 -m pip install --quiet jsonschema
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
