/* A child asks to be traced by its parent (PTRACE_TRACEME), the anti-debugging trick, then
 * exits. Exits 0 whether or not the request was allowed. */
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    pid_t child = fork();
    if (child < 0) return 1;
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) perror("ptrace_traceme: PTRACE_TRACEME");
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return 0;
}
