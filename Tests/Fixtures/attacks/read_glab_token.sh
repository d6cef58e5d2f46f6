#!/bin/sh
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.config/glab-cli"
printf "hosts:\n  gitlab.com:\n    token: glpat-fakefakefake\n" > "$HOME/.config/glab-cli/config.yml"
cat "$HOME/.config/glab-cli/config.yml" > /dev/null
