#!/bin/sh
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.m2"
printf "<settings><servers><server><id>r</id><password>s3cr3t-mvn</password></server></servers></settings>\n" > "$HOME/.m2/settings.xml"
cat "$HOME/.m2/settings.xml" > /dev/null
