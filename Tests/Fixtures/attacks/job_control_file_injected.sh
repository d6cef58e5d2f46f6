#!/bin/sh
# A dependency's install script (python here) appends NODE_OPTIONS to GitHub's GITHUB_ENV, so
# that every later step of the job loads its code. The ruleset harness sets GITHUB_ENV.
. "$(dirname "$0")/common.sh"
: "${GITHUB_ENV:=$1/github_env}"
export GITHUB_ENV
$PY -c 'import os; open(os.environ["GITHUB_ENV"], "a").write("NODE_OPTIONS=--require=/tmp/hook.js\n")'
