#!/bin/sh
# Near "CI Download and execute": curl output saved and unpacked with system tools.
. "$(dirname "$0")/../common.sh"
mkdir -p src && printf 'x\n' > src/file && tar -czf src.tgz src
sh -c "curl -s -o fetched.tgz file://$S/src.tgz && tar -xzf fetched.tgz -C $S && sha256sum fetched.tgz > /dev/null"
curl -s "file://$S/src/file" | wc -c > /dev/null
curl -s "file://$S/src/file" | sha256sum > /dev/null
