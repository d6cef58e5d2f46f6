#!/bin/sh
# Bind-mounts ~/.ssh onto an innocent folder in a private mount namespace of its own (never
# the host's mounts: `unshare -m`, or `-Urm` with a user namespace when not root) and reads
# the key there.
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.ssh" "$S/cache"
printf 'fake-key\n' > "$HOME/.ssh/id_rsa"
if [ "$(id -u)" = 0 ]; then NS=-m; else NS=-Urm; fi
unshare $NS --propagation private sh -c 'mount --bind "$1/.ssh" "$2" && cat "$2/id_rsa" > /dev/null' \
    sh "$HOME" "$S/cache"
