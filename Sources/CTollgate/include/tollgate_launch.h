/* Launching the job: fork, hold the child until capture is ready, then exec. */
#ifndef TOLLGATE_LAUNCH_H
#define TOLLGATE_LAUNCH_H

#include <sys/types.h>

/* A forked child waiting for `tg_launch_release` before it execs the job. */
struct tg_launch {
    pid_t pid;
    int release_fd; /* write end: a 'g' lets the child exec; anything else stops it */
    int status_fd;  /* read end: EOF once exec succeeded, or the child's errno */
};

/* Forks a child that waits until released, then execs `file` (searched in PATH like
 * execvp, with `envp` as its environment) with `argv`. Everything the child needs is prepared
 * before fork(); the child only makes async-signal-safe calls. Signal dispositions the gate
 * changes (INT, TERM, HUP, QUIT, PIPE, CHLD) are reset and every signal is unblocked in the
 * child. Returns 0 or -errno. */
int tg_launch_prepare(const char *file, char *const argv[], char *const envp[], struct tg_launch *launch);

/* Lets the child exec and waits for the outcome: 0 when exec succeeded, else the errno of
 * the failed exec (the child has then exited with tg_exec_failure_status(errno)). */
int tg_launch_release(struct tg_launch *launch);

/* The status a shell gives a command whose exec failed with `err`: 127 when it was not
 * found (ENOENT, or ENOTDIR for a path component), 126 when it exists but cannot be run
 * (EACCES, EISDIR, ENOEXEC, EPERM, ...). Async-signal-safe. */
int tg_exec_failure_status(int err);

/* Puts the calling process (the job's first process, before exec) in a process group of its
 * own, so that `kill 0` or a signal to the job's group cannot reach the gate, unless the gate
 * runs in its terminal's foreground group: an interactive run keeps the job there, with the
 * terminal, ^C and ^Z (a kill of that group is then refused by the ptrace and seccomp
 * monitors as aimed at the gate). Async-signal-safe. */
void tg_own_process_group(void);

/* Gives up on a prepared launch: the child exits without running the job and is reaped. */
void tg_launch_abort(struct tg_launch *launch);

/* Makes this process a child subreaper: orphaned descendants are re-parented to it, so a
 * daemonised grandchild is still this process's to wait for. Returns 0 or -errno. */
int tg_become_subreaper(void);

/* Makes this process not dumpable (PR_SET_DUMPABLE 0): a process without CAP_SYS_PTRACE can
 * then neither ptrace it nor open its /proc/<pid>/mem, even under the same user. Forked
 * children (the capture monitor) inherit it; exec (the job) resets it. Returns 0 or -errno. */
int tg_become_undumpable(void);

/* PR_GET_DUMPABLE of this process: 1 dumpable, 0 not, -1 on error. */
int tg_is_dumpable(void);

/* A pidfd for `pid` (pidfd_open(2), Linux 5.3+): readable once the process has exited and
 * can be reaped, so a waiter can sleep in poll(2) until then. Returns the descriptor
 * (close-on-exec) or -errno, e.g. -ENOSYS on older kernels. */
int tg_pidfd_open(pid_t pid);

/* Installs handlers for `signals` that write each delivery as a struct tg_signal_note into a
 * non-blocking pipe, unblocks them in the calling thread, and returns the pipe's read end
 * (or -errno). */
int tg_signal_pipe(const int *signals, int count);

/* One delivered signal, read from the tg_signal_pipe() descriptor. */
struct tg_signal_note {
    int signal;
    int code;   /* siginfo's si_code: SI_USER or SI_QUEUE when a process sent it */
    pid_t sender;
};

#endif
