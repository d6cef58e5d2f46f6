#!/bin/sh
# An integration test against a local HTTP server; installs a tool from it and runs it.
. "$(dirname "$0")/common.sh"
mkdir -p www
printf 'echo installed from loopback\n' > www/install.sh
cp /bin/true www/tool
python3 -m http.server 0 --bind 127.0.0.1 --directory www > server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' server.log | head -n1)
  [ -n "$port" ] && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/install.sh" -o install.sh
sh install.sh
sh -c "curl -sf http://127.0.0.1:$port/install.sh | sh"
sh -c "curl -sf -o tool http://127.0.0.1:$port/tool && chmod +x tool && ./tool; true"
wget -q -O /dev/null "http://127.0.0.1:$port/install.sh" || true
