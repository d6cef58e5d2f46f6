#!/bin/sh
# actions/cache-style restore and save of dependency caches below HOME (pip, npm, cargo, maven).
. "$(dirname "$0")/common.sh"
mkdir -p seed/.cache/pip/wheels seed/.npm/_cacache seed/.cargo/registry/index seed/.m2/repository/org
printf 'w' > seed/.cache/pip/wheels/a.whl
printf 'n' > seed/.npm/_cacache/index
printf 'c' > seed/.cargo/registry/index/config.json
printf 'm' > seed/.m2/repository/org/a.pom
tar -czf cache.tgz -C seed .
tar -xzf cache.tgz -C "$HOME"
ls -R "$HOME/.cargo" "$HOME/.npm" > /dev/null
tar -czf cache-new.tgz -C "$HOME" .cache .npm .cargo .m2
zstd -q cache-new.tgz -o cache-new.tgz.zst 2>/dev/null || gzip -t cache-new.tgz
