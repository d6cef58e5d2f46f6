#!/bin/sh
# A node package: npm reads the CI-provided .npmrc (token placeholder), packs, installs a local
# tarball offline and runs its tests.
. "$(dirname "$0")/common.sh"
printf '//registry.npmjs.org/:_authToken=${NODE_AUTH_TOKEN}\n' > "$HOME/.npmrc"
mkdir -p lib && cd lib
printf '{"name":"tiny-lib","version":"1.0.0","main":"index.js","scripts":{"test":"node test.js"}}\n' > package.json
printf 'module.exports = (a, b) => a + b;\n' > index.js
printf 'const add = require("./index.js"); if (add(1, 2) !== 3) process.exit(1); console.log("ok");\n' > test.js
npm test --silent
npm pack --silent > /dev/null
cd .. && mkdir app && cd app
printf '{"name":"app","version":"1.0.0"}\n' > package.json
npm install --offline --no-audit --no-fund --silent ../lib/tiny-lib-1.0.0.tgz
node -e 'console.log(require("tiny-lib")(2, 2))'
npm config get registry > /dev/null
