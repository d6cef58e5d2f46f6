#!/bin/sh
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.password-store/deploy"
printf "fake-encrypted\n" > "$HOME/.password-store/deploy/registry.gpg"
$PY -c 'import os; open(os.environ["HOME"] + "/.password-store/deploy/registry.gpg", "rb").read()'
