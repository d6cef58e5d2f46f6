#!/bin/sh
# Runs the package manager, only to print its version.
exec apt-get --version >/dev/null
