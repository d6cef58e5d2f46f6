#include "tollgate_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void reset_signals(void)
{
    static const int changed[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD};
    for (size_t i = 0; i < sizeof(changed) / sizeof(changed[0]); i++)
        signal(changed[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

void tg_own_process_group(void)
{
    pid_t group = getpgrp();
    for (int fd = 0; fd <= 2; fd++)
        if (tcgetpgrp(fd) == group)
            return; /* an interactive run: the job keeps the terminal, its ^C and ^Z */
    setpgid(0, 0);
}

int tg_launch_prepare(const char *file, char *const argv[], char *const envp[], struct tg_launch *launch)
{
    int release[2], status[2];
    if (pipe2(release, O_CLOEXEC) != 0)
        return -errno;
    if (pipe2(status, O_CLOEXEC) != 0) {
        int err = errno;
        close(release[0]);
        close(release[1]);
        return -err;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(release[1]);
        close(status[0]);
        reset_signals();
        char go = 0;
        ssize_t got;
        while ((got = read(release[0], &go, 1)) < 0 && errno == EINTR) {
        }
        if (got != 1 || go != 'g')
            _exit(127); /* the gate gave up or died: never run the job unobserved */
        close(release[0]);
        tg_own_process_group();
        execvpe(file, argv, envp);
        int err = errno;
        ssize_t ignored = write(status[1], &err, sizeof(err));
        (void)ignored;
        _exit(tg_exec_failure_status(err));
    }
    int err = pid < 0 ? errno : 0;
    close(release[0]);
    close(status[1]);
    if (pid < 0) {
        close(release[1]);
        close(status[0]);
        return -err;
    }
    launch->pid = pid;
    launch->release_fd = release[1];
    launch->status_fd = status[0];
    return 0;
}

int tg_exec_failure_status(int err)
{
    return err == ENOENT || err == ENOTDIR ? 127 : 126;
}

int tg_launch_release(struct tg_launch *launch)
{
    char go = 'g';
    ssize_t sent;
    while ((sent = write(launch->release_fd, &go, 1)) < 0 && errno == EINTR) {
    }
    close(launch->release_fd);
    launch->release_fd = -1;
    int err = 0;
    ssize_t got;
    while ((got = read(launch->status_fd, &err, sizeof(err))) < 0 && errno == EINTR) {
    }
    close(launch->status_fd);
    launch->status_fd = -1;
    return got == sizeof(err) ? err : 0;
}

void tg_launch_abort(struct tg_launch *launch)
{
    close(launch->release_fd);
    close(launch->status_fd);
    launch->release_fd = launch->status_fd = -1;
    int status;
    while (waitpid(launch->pid, &status, 0) < 0 && errno == EINTR) {
    }
}

int tg_become_subreaper(void)
{
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : -errno;
}

int tg_become_undumpable(void)
{
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 ? 0 : -errno;
}

int tg_is_dumpable(void)
{
    return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
}

int tg_pidfd_open(pid_t pid)
{
    int fd = (int)syscall(SYS_pidfd_open, pid, 0); /* pidfds are close-on-exec */
    return fd >= 0 ? fd : -errno;
}

static int signal_pipe_write_end = -1;

static void note_signal(int signal, siginfo_t *info, void *context)
{
    (void)context;
    int saved = errno;
    struct tg_signal_note note = {.signal = signal, .code = info ? info->si_code : 0,
                                  .sender = info ? info->si_pid : 0};
    ssize_t ignored = write(signal_pipe_write_end, &note, sizeof(note));
    (void)ignored;
    errno = saved;
}

int tg_signal_pipe(const int *signals, int count)
{
    int ends[2];
    if (pipe2(ends, O_CLOEXEC | O_NONBLOCK) != 0)
        return -errno;
    int previous = signal_pipe_write_end;
    signal_pipe_write_end = ends[1];
    if (previous >= 0)
        close(previous); /* a later run replaced the pipe of an earlier one */
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_sigaction = note_signal;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigset_t handled;
    sigemptyset(&handled);
    for (int i = 0; i < count; i++) {
        if (sigaction(signals[i], &action, NULL) != 0)
            return -errno;
        sigaddset(&handled, signals[i]);
    }
    /* A gate started with these signals blocked (some CI runners do) must still hear them. */
    pthread_sigmask(SIG_UNBLOCK, &handled, NULL);
    return ends[0];
}
