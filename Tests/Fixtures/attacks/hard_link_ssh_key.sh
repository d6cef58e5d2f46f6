#!/bin/sh
# Gives the SSH key a second name with a hard link, then reads that name: no read rule looks
# there, so the link must be the finding.
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.ssh"
printf 'fake-key\n' > "$HOME/.ssh/id_rsa"
ln "$HOME/.ssh/id_rsa" "$S/build.log"
cat "$S/build.log" > /dev/null
