#!/bin/sh
# `ps e` prints every process's environment, secrets included: the lister allowance ends here.
. "$(dirname "$0")/common.sh"
ps auxeww > /dev/null
