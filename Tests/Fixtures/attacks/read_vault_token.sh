#!/bin/sh
. "$(dirname "$0")/common.sh"
printf "hvs.fakefakefake\n" > "$HOME/.vault-token"
$PY -c 'import os; open(os.environ["HOME"] + "/.vault-token").read()'
