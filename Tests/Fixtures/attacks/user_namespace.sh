#!/bin/sh
. "$(dirname "$0")/common.sh"
unshare --user --map-root-user true
