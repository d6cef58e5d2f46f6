#!/bin/sh
. "$(dirname "$0")/common.sh"
mkdir -p "$HOME/.gradle"
printf "ossrhPassword=s3cr3t-gradle\n" > "$HOME/.gradle/gradle.properties"
$PY -c 'import os; open(os.environ["HOME"] + "/.gradle/gradle.properties").read()'
