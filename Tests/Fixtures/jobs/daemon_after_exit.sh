#!/bin/sh
# Starts a daemon (double fork: a subshell that backgrounds `setsid sh`, then exits) which,
# 1 s after the main process has exited, searches the scratch folder $1 for private keys and
# leaves $1/daemon-done behind. The main process exits at once with status $2 (default 0).
scratch=$1
( setsid sh -c 'sleep 1; find "$1" -maxdepth 1 -iname id_rsa >/dev/null; touch "$1/daemon-done"' daemon "$scratch" \
    </dev/null >/dev/null 2>&1 & )
exit "${2:-0}"
