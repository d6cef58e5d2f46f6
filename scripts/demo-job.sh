#!/bin/sh
# A small build job with a poisoned dependency, for `make demo`.
# The honest part compiles and tests a C program; the "postinstall" step of a malicious
# dependency then does what real CI compromises did: it reads the runner's SSH key and
# dumps another process's environment (where runner secrets live), as tj-actions did.
set -e
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "demo: building"
cat > "$work/hello.c" <<'C'
#include <stdio.h>
int main(void) { puts("hello from the build"); return 0; }
C
cc -O1 -o "$work/hello" "$work/hello.c"
echo "demo: testing"
"$work/hello"

echo "demo: running a dependency's postinstall script"
mkdir -p "$work/home/.ssh"
echo "not a real key" > "$work/home/.ssh/id_ed25519"
HOME="$work/home" sh -c 'cat "$HOME/.ssh/id_ed25519" > /dev/null; cat /proc/$PPID/environ > /dev/null'
echo "demo: done"
