#!/bin/sh
# Near "CI Read tool credentials" and "CI Read GnuPG or pass private keys": curl reads
# ~/.netrc for a login (-n), GnuPG makes and lists a secret key through its agent.
. "$(dirname "$0")/../common.sh"
printf 'machine 127.0.0.1 login ci password not-a-secret\n' > "$HOME/.netrc"
curl -s -n --max-time 2 http://127.0.0.1:9/ > /dev/null || true
export GNUPGHOME="$HOME/.gnupg"
mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key ci@example.invalid ed25519 sign never 2> /dev/null
gpg --batch --quiet --list-secret-keys > /dev/null
gpgconf --kill gpg-agent
