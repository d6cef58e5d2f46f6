#!/bin/sh
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.oci"
printf "[DEFAULT]\nkey_file=~/.oci/oci_api_key.pem\n" > "$HOME/.oci/config"
printf "FAKE KEY\n" > "$HOME/.oci/oci_api_key.pem"
cat "$HOME/.oci/oci_api_key.pem" > /dev/null
