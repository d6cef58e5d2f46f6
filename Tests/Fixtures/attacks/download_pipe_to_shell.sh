#!/bin/sh
# The Codecov pattern: a downloaded script piped straight into a shell.
. "$(dirname "$0")/common.sh"
printf 'echo uploading > /dev/null\n' > "$S/uploader.sh"
sh -c "curl -s file://$S/uploader.sh | sh"
