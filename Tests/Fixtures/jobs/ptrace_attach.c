/* Starts `sleep 30` as a child, attaches to it with PTRACE_ATTACH, detaches and kills it.
 * Exits 0 whether or not the attach was allowed (under a ptrace-based tracer it is not). */
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    pid_t child = fork();
    if (child < 0) return 1;
    if (child == 0) {
        execl("/bin/sleep", "sleep", "30", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (ptrace(PTRACE_ATTACH, child, NULL, NULL) == 0) {
        waitpid(child, &status, 0);
        ptrace(PTRACE_DETACH, child, NULL, NULL);
    } else {
        perror("ptrace_attach: PTRACE_ATTACH");
    }
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    return 0;
}
