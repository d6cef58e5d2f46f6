#!/bin/sh
# git init/commit/branch/tag/clone/gc/fsck, with the sample hooks git writes itself.
. "$(dirname "$0")/common.sh"
git config --global user.email ci@example.com
git config --global user.name CI
git config --global init.defaultBranch main
git config --global core.pager cat
git init -q repo && cd repo
printf 'hello\n' > README
git add README && git commit -q -m initial
git checkout -q -b feature && printf 'more\n' >> README && git commit -qam more
git checkout -q main && git merge -q --no-edit feature
git tag v1.0
git config --local remote.origin.url https://example.com/repo.git
cd .. && git clone -q repo clone && cd clone
git log --oneline > /dev/null
git gc -q --aggressive
git fsck 2>/dev/null >/dev/null
git describe --tags > /dev/null
git status --porcelain > /dev/null
