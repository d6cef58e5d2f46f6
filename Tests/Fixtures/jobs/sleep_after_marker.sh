#!/bin/sh
# Optionally searches the scratch folder $1 for private keys ($2 = find), then creates
# $1/started and becomes `sleep 30`.
if [ "$2" = find ]; then find "$1" -maxdepth 1 -iname id_rsa; fi
touch "$1/started"
exec sleep 30
