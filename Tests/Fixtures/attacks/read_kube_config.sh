#!/bin/sh
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.kube"
printf 'apiVersion: v1\nkind: Config\n' > "$HOME/.kube/config"
grep -q apiVersion "$HOME/.kube/config"
