#!/bin/sh
# A build step appending to a checked-out source file (TOLLGATE_WORKSPACE marks the checkout).
. "$(dirname "$0")/common.sh"
mkdir -p "$S/ws/src"
printf 'int main(void) { return 0; }\n' > "$S/ws/src/main.c"
TOLLGATE_WORKSPACE="$S/ws" $PY -c 'import sys; open(sys.argv[1], "a").write("/* backdoor */\n")' "$S/ws/src/main.c"
