#!/bin/sh
# A C library with a unit test: make, make test, make install into a staging folder.
. "$(dirname "$0")/common.sh"
mkdir -p proj/src proj/tests && cd proj
cat > src/add.c <<'C'
int add(int a, int b) { return a + b; }
C
cat > src/add.h <<'C'
int add(int a, int b);
C
cat > tests/test_add.c <<'C'
#include <stdio.h>
#include "../src/add.h"
int main(void) { if (add(2, 3) != 5) { puts("FAIL"); return 1; } puts("ok"); return 0; }
C
cat > Makefile <<'M'
CFLAGS ?= -O2 -Wall
all: libadd.a test_add
libadd.a: src/add.o
	ar rcs $@ $^
test_add: tests/test_add.c libadd.a
	$(CC) $(CFLAGS) -o $@ $< libadd.a
test: test_add
	./test_add
install: libadd.a
	install -d $(DESTDIR)/usr/lib $(DESTDIR)/usr/include
	install -m 644 libadd.a $(DESTDIR)/usr/lib/
	install -m 644 src/add.h $(DESTDIR)/usr/include/
clean:
	rm -f src/*.o libadd.a test_add
.PHONY: all test install clean
M
make -s all
make -s test
make -s install DESTDIR="$S/stage"
make -s clean
