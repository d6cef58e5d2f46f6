/* fork_children N PROGRAM: forks N children that each exec PROGRAM, at most 50 alive at a time,
 * and waits for all of them. Exits 0 when every child exited 0. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: fork_children N PROGRAM\n"); return 64; }
    long total = strtol(argv[1], NULL, 10);
    int failures = 0, alive = 0, status = 0;
    for (long i = 0; i < total; i++) {
        if (alive == 50) {
            if (wait(&status) > 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) failures++;
            alive--;
        }
        pid_t child = fork();
        if (child < 0) { perror("fork_children: fork"); return 1; }
        if (child == 0) {
            execl(argv[2], argv[2], (char *)NULL);
            _exit(127);
        }
        alive++;
    }
    while (alive-- > 0) {
        if (wait(&status) > 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) failures++;
    }
    return failures == 0 ? 0 : 1;
}
