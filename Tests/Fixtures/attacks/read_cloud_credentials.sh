#!/bin/sh
# The Codecov bash uploader move: collect cloud keys from the job.
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.aws"
printf '[default]\naws_access_key_id = AKIAFAKE\n' > "$HOME/.aws/credentials"
$PY -c 'import os; open(os.environ["HOME"] + "/.aws/credentials").read()'
