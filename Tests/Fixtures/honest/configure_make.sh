#!/bin/sh
# A configure-style script: probes the compiler, writes config.h and a Makefile, builds.
. "$(dirname "$0")/common.sh"
mkdir -p pkg && cd pkg
cat > configure <<'SH'
#!/bin/sh
echo "checking for cc... cc"
printf 'int main(void){return 0;}\n' > conftest.c
cc -o conftest conftest.c && ./conftest && echo "checking whether the C compiler works... yes"
rm -f conftest conftest.c
for h in stdio.h stdlib.h string.h unistd.h; do
  printf '#include <%s>\nint main(void){return 0;}\n' "$h" > conftest.c
  if cc -c conftest.c -o conftest.o 2>/dev/null; then
    echo "#define HAVE_$(echo "$h" | tr a-z. A-Z_) 1" >> config.h.tmp
  fi
  rm -f conftest.c conftest.o
done
mv config.h.tmp config.h
uname -s > /dev/null
printf 'hello: hello.c config.h\n\tcc -o hello hello.c\n' > Makefile
echo "config.status: creating Makefile"
SH
chmod +x configure
printf '#include "config.h"\n#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' > hello.c
./configure
make -s
./hello
