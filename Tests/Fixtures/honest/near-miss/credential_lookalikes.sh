#!/bin/sh
# Near the credential rules: files with credential-like names outside credential folders,
# listing (not reading) credential folders, and config files that hold no secrets.
. "$(dirname "$0")/../common.sh"
mkdir -p project/config "$HOME/.aws" "$HOME/.docker" "$HOME/.kube"
printf 'user=test\n' > project/config/credentials
cat project/config/credentials > /dev/null
printf '{}\n' > project/config.json && cat project/config.json > /dev/null
ls -la "$HOME/.aws" "$HOME/.docker" "$HOME/.kube" > /dev/null
printf '{"features":{}}\n' > "$HOME/.docker/daemon.json" && cat "$HOME/.docker/daemon.json" > /dev/null
printf 'registry=https://registry.example\n' > project/.npmrc.example && cat project/.npmrc.example > /dev/null
cat /etc/passwd /etc/group > /dev/null
printf 'machine example\n' > project/netrc.example && cat project/netrc.example > /dev/null
mkdir -p "$HOME/.gnupg" "$HOME/.config/gh" && printf 'pub\n' > "$HOME/.gnupg/pubring.kbx" && cat "$HOME/.gnupg/pubring.kbx" > /dev/null
printf 'editor: vim\n' > "$HOME/.config/gh/config.yml" && cat "$HOME/.config/gh/config.yml" > /dev/null
