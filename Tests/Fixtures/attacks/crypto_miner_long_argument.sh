#!/bin/sh
# A miner whose pool URL comes after a 60,000-byte argument: past the old 4 KiB cut, within the 64 KiB copied.
. "$(dirname "$0")/common.sh"
cp /bin/true "$S/kworker"
"$S/kworker" --config "$($PY -c 'print("x" * 60000)')" -o stratum+tcp://pool.example.net:3333 -u wallet
