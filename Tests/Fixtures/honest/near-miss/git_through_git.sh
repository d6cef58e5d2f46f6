#!/bin/sh
# Near the git rules: hooks and config written by git itself, harmless config keys.
. "$(dirname "$0")/../common.sh"
git init -q repo
git -C repo config user.email ci@example.com
git -C repo config core.autocrlf false
git -C repo config --global safe.directory '*'
git -C repo config --local http.https://github.com/.extraheader "AUTHORIZATION: basic ***"
git -C repo config --local --unset-all http.https://github.com/.extraheader
cp repo/.git/hooks/pre-commit.sample "$S/pre-commit.copy"
cat repo/.git/config > /dev/null
git clone -q repo clone
