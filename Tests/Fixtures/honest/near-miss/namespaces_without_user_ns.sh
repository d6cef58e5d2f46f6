#!/bin/sh
# Near "CI Namespace escape": a network-only namespace for an isolated test.
. "$(dirname "$0")/../common.sh"
unshare --net true
