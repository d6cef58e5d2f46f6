#!/bin/sh
# Near "CI Shell profile modified": login shells reading profiles; a profile in the workspace.
. "$(dirname "$0")/../common.sh"
printf 'export FOO=1\n' > "$S/project.bashrc.template"
bash -lc 'true' < /dev/null
HOME="$HOME" bash -ic 'true' < /dev/null > /dev/null 2>&1 || true
cat /etc/profile > /dev/null
