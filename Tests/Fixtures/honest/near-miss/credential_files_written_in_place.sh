#!/bin/sh
# Near "CI Link or rename of a credential file": credential files written the way tools write
# them (a temporary file renamed onto the real name), public keys and known_hosts moved or
# linked, and links to credential lookalikes. The source of each link or rename is no secret.
. "$(dirname "$0")/../common.sh"
mkdir -p "$HOME/.docker" "$HOME/.ssh" project
printf '{"auths":{}}\n' > "$HOME/.docker/config.json.tmp" && mv "$HOME/.docker/config.json.tmp" "$HOME/.docker/config.json"
printf 'ssh-ed25519 AAAA test\n' > "$HOME/.ssh/id_ed25519.pub" && mv "$HOME/.ssh/id_ed25519.pub" project/deploy.pub
printf 'github.com ssh-ed25519 AAAA\n' > "$HOME/.ssh/known_hosts" && ln "$HOME/.ssh/known_hosts" "$HOME/.ssh/known_hosts.old"
printf 'user=test\n' > project/credentials.example && ln -s credentials.example project/credentials
ln project/credentials.example project/credentials.txt && mv project/credentials.txt project/credentials.bak
# A read through a symlink is named by the file it leads to: known_hosts, no secret.
ln -s "$HOME/.ssh/known_hosts" project/hosts && cat project/hosts > /dev/null
