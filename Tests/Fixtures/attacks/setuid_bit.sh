#!/bin/sh
. "$(dirname "$0")/common.sh"
cp /bin/sh "$S/rootshell"
chmod u+s "$S/rootshell"
