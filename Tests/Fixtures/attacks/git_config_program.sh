#!/bin/sh
. "$(dirname "$0")/common.sh"
git init -q "$S/repo"
git -C "$S/repo" config core.fsmonitor "$S/evil.sh"
