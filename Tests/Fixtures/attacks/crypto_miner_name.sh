#!/bin/sh
# The Ultralytics payload was XMRig: a known miner name starts.
. "$(dirname "$0")/common.sh"
cp /bin/true "$S/xmrig"
"$S/xmrig" --donate-level 1
