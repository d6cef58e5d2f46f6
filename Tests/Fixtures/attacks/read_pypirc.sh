#!/bin/sh
. "$(dirname "$0")/common.sh"
printf '[pypi]\npassword = pypi-fake\n' > "$HOME/.pypirc"
$PY -c 'import os; open(os.environ["HOME"] + "/.pypirc").read()'
