#!/bin/sh
# A malicious install script sweeping the runner's SSH identity.
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.ssh"
printf 'fake-key\n' > "$HOME/.ssh/id_ed25519"
cat "$HOME/.ssh/id_ed25519" > /dev/null
