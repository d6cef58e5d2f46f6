#!/bin/sh
# Test binaries built into and run from a fresh /tmp folder, as `go test` and `cargo test` do.
. "$(dirname "$0")/common.sh"
work=$(mktemp -d /tmp/go-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/b001"
printf '#include <stdio.h>\nint main(void) { puts("PASS"); return 0; }\n' > pkg_test.c
cc -o "$work/b001/pkg.test" pkg_test.c
"$work/b001/pkg.test" -test.v
cp "$work/b001/pkg.test" "$work/b001/pkg2.test"
sh -c "$work/b001/pkg2.test"
