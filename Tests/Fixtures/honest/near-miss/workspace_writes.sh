#!/bin/sh
# Near "CI Source file modified during the build": build outputs inside the workspace, sources
# written by git, and writes outside any declared workspace.
. "$(dirname "$0")/../common.sh"
export TOLLGATE_WORKSPACE="$S/ws"
mkdir -p ws/src ws/build ws/node_modules/x
git init -q ws
printf 'int x;\n' > "$S/outside.c"
printf '/* generated */\n' > ws/build/generated.c
printf 'module.exports = 1;\n' > ws/node_modules/x/index.js
printf 'int x;\n' > ws/src/a.c.tmp
