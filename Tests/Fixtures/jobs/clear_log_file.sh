#!/bin/sh
# Truncates a file named like a system log (syslog) in the scratch folder $1:
# open(O_WRONLY|O_CREAT|O_TRUNC) by the shell's redirection.
: > "$1/syslog"
