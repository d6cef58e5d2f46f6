#!/bin/sh
. "$(dirname "$0")/common.sh"
printf 'ls\n' >> "$HOME/.bash_history"
$PY -c 'import os; os.close(os.open(os.environ["HOME"] + "/.bash_history", os.O_WRONLY | os.O_TRUNC))'
