#!/bin/sh
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.docker"
printf '{"auths":{"ghcr.io":{"auth":"ZmFrZTpmYWtl"}}}\n' > "$HOME/.docker/config.json"
cat "$HOME/.docker/config.json" > /dev/null
