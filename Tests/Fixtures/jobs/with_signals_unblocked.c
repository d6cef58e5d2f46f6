/* with_signals_unblocked COMMAND [ARG...]: clears the signal mask, then execs COMMAND.
 * Test processes spawn from thread-pool threads that block most signals, and a blocked mask
 * survives exec: this gives the command the mask a shell would. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: with_signals_unblocked COMMAND [ARG...]\n"); return 64; }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvp(argv[1], argv + 1);
    perror("with_signals_unblocked: exec");
    return 127;
}
