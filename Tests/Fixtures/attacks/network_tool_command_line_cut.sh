#!/bin/sh
# curl with a command line longer than any capture copies (100 KiB of padding hides the rest).
. "$(dirname "$0")/common.sh"
cp /bin/true "$S/curl"
"$S/curl" -H "X-Pad: $($PY -c 'print("x" * 100000)')" https://attacker.example/
