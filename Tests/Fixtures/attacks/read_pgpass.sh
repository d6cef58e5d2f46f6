#!/bin/sh
. "$(dirname "$0")/common.sh"
printf "db.example:5432:*:ci:s3cr3t-pg\n" > "$HOME/.pgpass"
cat "$HOME/.pgpass" > /dev/null
