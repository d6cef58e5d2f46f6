#!/bin/sh
. "$(dirname "$0")/common.sh"
printf "machine api.example login ci password s3cr3t-netrc\n" > "$HOME/.netrc"
cat "$HOME/.netrc" > /dev/null
