#!/bin/sh
. "$(dirname "$0")/common.sh"
cp /bin/true "$S/kworker"
"$S/kworker" -o stratum+tcp://pool.example.net:3333 -u wallet
