/* Copies /bin/true into an anonymous memfd and executes it from there (fileless execution).
 * Exits with true's status (0). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
    int memory = memfd_create("payload", 0);
    int source = open("/bin/true", O_RDONLY | O_CLOEXEC);
    if (memory < 0 || source < 0) { perror("memfd_exec: setup"); return 1; }
    char buffer[65536];
    ssize_t count;
    while ((count = read(source, buffer, sizeof buffer)) > 0) {
        if (write(memory, buffer, (size_t)count) != count) { perror("memfd_exec: write"); return 1; }
    }
    close(source);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", memory);
    char *const argv[] = {"payload", NULL};
    char *const envp[] = {NULL};
    execve(path, argv, envp);
    perror("memfd_exec: execve");
    return 1;
}
