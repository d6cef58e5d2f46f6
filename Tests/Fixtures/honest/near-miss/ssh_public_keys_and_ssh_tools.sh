#!/bin/sh
# Near "CI Read SSH private key": public keys, known_hosts, and the real ssh-keygen reading a key.
. "$(dirname "$0")/../common.sh"
mkdir -p "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/id_ed25519"
ssh-keygen -y -f "$HOME/.ssh/id_ed25519" > /dev/null
cat "$HOME/.ssh/id_ed25519.pub" > /dev/null
printf 'github.com ssh-ed25519 AAAA\n' > "$HOME/.ssh/known_hosts"
cat "$HOME/.ssh/known_hosts" > /dev/null
cat /etc/ssh/ssh_config > /dev/null 2>&1 || true
