#!/bin/sh
# Near "CI Read package manager token": npm and pip read their own configuration and tokens.
. "$(dirname "$0")/../common.sh"
printf '//registry.npmjs.org/:_authToken=${NODE_AUTH_TOKEN}\n' > "$HOME/.npmrc"
npm config get registry > /dev/null
npm config list > /dev/null
mkdir -p "$HOME/.config/pip"
printf '[global]\nindex-url = https://pypi.example/simple\n' > "$HOME/.config/pip/pip.conf"
python3 -m pip config list > /dev/null
