#!/bin/sh
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.gnupg/private-keys-v1.d"
printf "(private-key (ecc fake))\n" > "$HOME/.gnupg/private-keys-v1.d/0123456789ABCDEF.key"
cat "$HOME/.gnupg/private-keys-v1.d/0123456789ABCDEF.key" > /dev/null
