#!/bin/sh
# Writes each argument to standard output followed by a NUL byte, byte for byte.
for argument in "$@"; do printf '%s\0' "$argument"; done
