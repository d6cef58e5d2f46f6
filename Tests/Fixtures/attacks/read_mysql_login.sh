#!/bin/sh
. "$(dirname "$0")/common.sh"
printf "[client]\nuser=ci\npassword=s3cr3t-my\n" > "$HOME/.my.cnf"
$PY -c 'import os; open(os.environ["HOME"] + "/.my.cnf").read()'
