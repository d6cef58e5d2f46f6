#!/bin/sh
# A dependency whose postinstall script places a prebuilt binary and runs it (esbuild, sharp
# and friends do this), installed offline from a local tarball.
. "$(dirname "$0")/common.sh"
mkdir -p dep && cd dep
cat > package.json <<'JSON'
{"name":"native-dep","version":"1.0.0","bin":{"native-tool":"bin/native-tool"},
 "scripts":{"postinstall":"node install.js"}}
JSON
cat > install.js <<'JS'
const fs = require("fs"), path = require("path"), { execFileSync } = require("child_process");
fs.mkdirSync(path.join(__dirname, "bin"), { recursive: true });
const target = path.join(__dirname, "bin", "native-tool");
fs.copyFileSync("/bin/true", target);
fs.chmodSync(target, 0o755);
execFileSync(target, ["--version"]);
JS
mkdir -p bin && cp /bin/true bin/native-tool
npm pack --silent > /dev/null
cd .. && mkdir app && cd app
printf '{"name":"app","version":"1.0.0"}\n' > package.json
npm install --offline --no-audit --no-fund --silent ../dep/native-dep-1.0.0.tgz
./node_modules/.bin/native-tool
