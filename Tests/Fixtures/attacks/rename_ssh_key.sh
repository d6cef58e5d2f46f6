#!/bin/sh
# Moves the SSH key out of ~/.ssh (a rename on the same filesystem), then reads it there.
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.ssh"
printf 'fake-key\n' > "$HOME/.ssh/id_ed25519"
mv "$HOME/.ssh/id_ed25519" "$S/build.log"
cat "$S/build.log" > /dev/null
