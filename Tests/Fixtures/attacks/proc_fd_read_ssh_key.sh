#!/bin/sh
# Reads the SSH key as /proc/self/fd/N/id_rsa, N an fd open on ~/.ssh: the path passed never
# names the folder.
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.ssh"
printf 'fake-key\n' > "$HOME/.ssh/id_rsa"
$PY - "$HOME/.ssh" <<'PY'
import os, sys
folder = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
with open("/proc/self/fd/%d/id_rsa" % folder, "rb") as key:
    key.read()
PY
