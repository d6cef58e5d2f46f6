/* Calls finit_module on an invalid fd: the kernel refuses (EBADF or EPERM), nothing loads. */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    long result = syscall(SYS_finit_module, -1, "", 0);
    return result == -1 ? 0 : 1;
}
