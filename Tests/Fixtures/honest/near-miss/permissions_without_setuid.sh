#!/bin/sh
# Near "CI Setuid or setgid bit set": ordinary chmod of build outputs.
. "$(dirname "$0")/../common.sh"
cp /bin/true tool
chmod 755 tool
chmod +x tool
chmod 1777 "$S" 2>/dev/null || true
chmod 700 "$S"
python3 -c 'import os; os.chmod("tool", 0o750)'
