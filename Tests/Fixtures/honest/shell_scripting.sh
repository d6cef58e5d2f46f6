#!/bin/sh
# The glue every CI step has: here-documents into interpreters, find/grep/sed, temp files.
. "$(dirname "$0")/common.sh"
mkdir -p src build
printf 'VERSION=1.2.3\n' > src/version.env
sed 's/1.2.3/1.2.4/' src/version.env > build/version.env
sed -i 's/1.2.4/1.2.5/' build/version.env
find . -name '*.env' | sort > /dev/null
grep -r VERSION src > /dev/null
python3 - <<'PY'
print("heredoc into python")
PY
bash -s <<'SH'
echo "heredoc into bash"
SH
tmp=$(mktemp)
echo data > "$tmp" && rm -f "$tmp"
xargs -n1 echo < /dev/null
chmod +x src/version.env && chmod 644 src/version.env
ln -s version.env src/current.env
