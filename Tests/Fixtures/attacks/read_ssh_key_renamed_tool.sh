#!/bin/sh
# A copy of ssh-keygen under another name reading a private key: allowed readers are matched on
# their real executable path, so the copy gets no free pass.
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/id_ed25519" > /dev/null
cp /usr/bin/ssh-keygen "$S/build-helper"
"$S/build-helper" -y -f "$HOME/.ssh/id_ed25519" > /dev/null
