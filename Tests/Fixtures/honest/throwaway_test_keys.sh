#!/bin/sh
# Test fixtures: keys and certificates generated inside the workspace.
. "$(dirname "$0")/common.sh"
ssh-keygen -q -t ed25519 -N '' -f ./testkey
ssh-keygen -y -f ./testkey > testkey.pub2
cat ./testkey > /dev/null
openssl genrsa -out key.pem 2048 2>/dev/null
openssl req -x509 -new -key key.pem -subj /CN=localhost -days 1 -out cert.pem
openssl x509 -in cert.pem -noout -subject > /dev/null
python3 -c 'open("key.pem").read()'
