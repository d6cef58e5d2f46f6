#!/bin/sh
# Runs debugfs, only to print its version.
exec debugfs -V >/dev/null 2>&1
