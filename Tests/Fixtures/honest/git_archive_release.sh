#!/bin/sh
# A release job: annotated tag, git archive piped into tar, changelog from the log.
. "$(dirname "$0")/common.sh"
git config --global user.email ci@example.com
git config --global user.name CI
git init -q -b main proj && cd proj
printf 'v1\n' > VERSION && git add VERSION && git commit -qm "release 1"
git tag -a v1.0.0 -m "v1.0.0"
git archive --format=tar --prefix=proj-1.0.0/ v1.0.0 | tar -x -C "$S"
git archive --format=tar.gz -o "$S/proj-1.0.0.tar.gz" v1.0.0
git log --pretty=format:'- %s' > "$S/CHANGELOG"
git rev-parse HEAD > "$S/COMMIT"
sha256sum "$S/proj-1.0.0.tar.gz" > "$S/proj-1.0.0.tar.gz.sha256"
