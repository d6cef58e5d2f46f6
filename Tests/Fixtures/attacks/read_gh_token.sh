#!/bin/sh
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.config/gh"
printf "github.com:\n    oauth_token: gho_fakefakefake\n" > "$HOME/.config/gh/hosts.yml"
$PY -c 'import os; open(os.environ["HOME"] + "/.config/gh/hosts.yml").read()'
