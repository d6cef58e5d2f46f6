#!/bin/sh
# Reads the SSH key through a symlink with an innocent name: fd.name must be the key itself.
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.ssh"
printf 'fake-key\n' > "$HOME/.ssh/id_rsa"
ln -s "$HOME/.ssh/id_rsa" "$S/notes.txt"
cat "$S/notes.txt" > /dev/null
