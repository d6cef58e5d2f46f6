#!/bin/sh
# Opens /etc/hosts for appending without writing a byte.
. "$(dirname "$0")/common.sh"
$PY -c 'import os; os.close(os.open("/etc/hosts", os.O_WRONLY | os.O_APPEND))'
