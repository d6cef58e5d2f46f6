#!/bin/sh
# AddressSanitizer tests: LeakSanitizer ptrace-attaches to its own process at exit.
. "$(dirname "$0")/common.sh"
printf '#include <stdlib.h>\nint main(void) { char *p = malloc(16); p[0] = 1; free(p); return 0; }\n' > clean.c
gcc -fsanitize=address -g -o clean clean.c
ASAN_OPTIONS=detect_leaks=1 ./clean
