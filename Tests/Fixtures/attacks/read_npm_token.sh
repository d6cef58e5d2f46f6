#!/bin/sh
# A postinstall script (node, not npm) reading the publish token.
. "$(dirname "$0")/common.sh"
printf '//registry.npmjs.org/:_authToken=npm_fake\n' > "$HOME/.npmrc"
node -e 'require("fs").readFileSync(process.env.HOME + "/.npmrc", "utf8")'
