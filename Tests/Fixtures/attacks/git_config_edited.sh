#!/bin/sh
# Editing .git/config directly (not through git) to leak the checkout token.
. "$(dirname "$0")/common.sh"
git init -q "$S/repo"
$PY -c 'import sys; open(sys.argv[1] + "/.git/config", "a").write("[http]\n\textraheader = x\n")' "$S/repo"
