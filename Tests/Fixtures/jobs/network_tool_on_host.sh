#!/bin/sh
# A program named nmap (a symlink to /bin/true in $1: nothing is scanned) run as a ping scan.
set -e
ln -s /bin/true "$1/nmap"
"$1/nmap" -sn 198.51.100.7/32
