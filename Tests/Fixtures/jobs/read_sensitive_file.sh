#!/bin/sh
# Reads /etc/shadow with cat (a process not on any allow-list). Read-only.
exec cat /etc/shadow >/dev/null
