#!/bin/sh
# Near the memfd and /dev/shm rules: memfd used as a buffer, shared memory used for data.
. "$(dirname "$0")/../common.sh"
python3 - <<'PY'
import os
fd = os.memfd_create("buffer", 0)
os.write(fd, b"data")
os.close(fd)
PY
f="/dev/shm/tollgate-honest.$$"
printf 'data' > "$f" && cat "$f" > /dev/null && rm -f "$f"
