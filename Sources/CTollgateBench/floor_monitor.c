/* The ptrace and seccomp floors (include/tollgate_floor.h): a bare tracer and a bare notifier. */
#include "tollgate_floor.h"
#include "tollgate_launch.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Memory shared with the job's first process until it execs. */
struct handoff {
    volatile int released;    /* the parent is ready (ptrace: it has seized the child) */
    volatile int listener;    /* seccomp: the listener's fd number, shared by CLONE_FILES */
    volatile int setup_errno; /* the filter could not be installed */
    volatile int exec_errno;  /* exec failed */
};

/* What the floor process hands back to the caller. */
struct shared {
    struct handoff handoff;
    struct tg_floor_result result;
    int failure_errno;
    char failure[256];
};

/* Ends the floor process, saying why to the caller. */
static void fail(struct shared *shared, const char *step, int err) __attribute__((noreturn));
static void fail(struct shared *shared, const char *step, int err)
{
    shared->failure_errno = err;
    snprintf(shared->failure, sizeof(shared->failure), "%s: %s", step, strerror(err));
    _exit(70);
}

struct job {
    enum tg_monitor_mode mode;
    const char *file;
    char *const *argv;
    char *const *envp;
    struct sock_fprog *filter;
    struct handoff *handoff;
};

/* The job's first process: as the shipped monitor's, it waits to be released, installs the
 * filter (with no_new_privs when it must) and execs. */
static void job_main(const struct job *job) __attribute__((noreturn));
static void job_main(const struct job *job)
{
    static const int reset[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGALRM};
    for (size_t i = 0; i < sizeof(reset) / sizeof(reset[0]); i++)
        signal(reset[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    while (!__atomic_load_n(&job->handoff->released, __ATOMIC_ACQUIRE)) {
        struct timespec pause = {0, 50000};
        nanosleep(&pause, NULL);
    }
    tg_own_process_group();
    unsigned int flags = job->mode == TG_MONITOR_SECCOMP
                             ? SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV : 0;
    long installed = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, job->filter);
    if (installed < 0 && errno == EINVAL && (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
        flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
        installed = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, job->filter);
    }
    if (installed < 0 && errno == EACCES && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0)
        installed = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, job->filter);
    if (installed < 0) {
        job->handoff->setup_errno = errno ? errno : EINVAL;
        _exit(127);
    }
    if (job->mode == TG_MONITOR_SECCOMP)
        __atomic_store_n(&job->handoff->listener, (int)installed, __ATOMIC_RELEASE);
    execvpe(job->file, job->argv, job->envp);
    job->handoff->exec_errno = errno;
    _exit(tg_exec_failure_status(errno));
}

/* Reaps what has ended (blocking: waits for one); notes the first process's status. Returns 0,
 * or -ECHILD once no child is left. */
static int reap(struct tg_floor_result *result, int options)
{
    int status;
    pid_t pid = waitpid(-1, &status, options | __WALL);
    if (pid < 0)
        return errno == ECHILD ? -ECHILD : 0;
    if (pid > 0 && pid == result->pid && (WIFEXITED(status) || WIFSIGNALED(status)))
        result->status = status;
    return 0;
}

/* Every stop is let go at once; a signal-delivery stop passes its signal on. Stops are waited
 * for and counted as the shipped monitor does (tg_ptrace_wait; every wait(2) result). */
static void ptrace_loop(struct tg_floor_result *result)
{
    for (;;) {
        int status;
        pid_t pid = tg_ptrace_wait(&status);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            return; /* ECHILD: the whole tree has ended */
        }
        result->stops++;
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (pid == result->pid)
                result->status = status;
            continue;
        }
        if (!WIFSTOPPED(status))
            continue;
        /* Events and group stops (PTRACE_EVENT_STOP, with PTRACE_SEIZE) carry no signal. */
        ptrace(PTRACE_CONT, pid, 0, status >> 16 ? 0 : WSTOPSIG(status));
    }
}

/* Every notification is answered "continue" at once. The first process's pidfd wakes the
 * loop when it ends; stragglers are reaped on the next tick. */
static void seccomp_loop(int listener, struct tg_floor_result *result)
{
    int pidfd = (int)syscall(SYS_pidfd_open, result->pid, 0);
    /* The woken task runs on this CPU, as the shipped monitor asks when it can (Linux 6.7+). */
    /* SECCOMP_IOCTL_NOTIF_SET_FLAGS with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, newer than some
     * kernel headers. */
    ioctl(listener, SECCOMP_IOW(4, __u64), (__u64)1);
    for (;;) {
        if (reap(result, WNOHANG) == -ECHILD)
            break;
        struct pollfd ready[2] = {{.fd = listener, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
        int count = poll(ready, pidfd >= 0 ? 2 : 1, 10);
        if (count <= 0 || !(ready[0].revents & POLLIN))
            continue;
        struct seccomp_notif request;
        memset(&request, 0, sizeof(request));
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &request) != 0)
            continue;
        result->stops++;
        struct seccomp_notif_resp response = {.id = request.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
        ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &response);
    }
    if (pidfd >= 0)
        close(pidfd);
}

/* The floor process: the job's parent, tracer or notifier, and the child subreaper of its
 * tree, as the shipped monitor process is. Writes what it saw into `shared` and exits. */
static void floor_main(enum tg_monitor_mode mode, const char *file, char *const argv[], char *const envp[],
                       const struct tg_capture_config *config, struct shared *shared) __attribute__((noreturn));
static void floor_main(enum tg_monitor_mode mode, const char *file, char *const argv[], char *const envp[],
                       const struct tg_capture_config *config, struct shared *shared)
{
    struct tg_floor_result *result = &shared->result;
    struct handoff *handoff = &shared->handoff;
    handoff->listener = -1;
    /* Protected as the gate and its monitor are: the caller and this process. */
    struct sock_fprog filter = {0};
    int err = -tg_monitor_filter(mode, config, getppid(), &filter);
    if (err)
        fail(shared, "building the filter", err);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        fail(shared, "becoming the job's child subreaper", errno);
    struct job job = {.mode = mode, .file = file, .argv = argv, .envp = envp, .filter = &filter, .handoff = handoff};
    /* seccomp: the listener the child creates lands in the fd table both share until exec. */
    pid_t child = mode == TG_MONITOR_SECCOMP ? (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0) : fork();
    if (child == 0)
        job_main(&job);
    if (child < 0)
        fail(shared, "forking the job", errno);
    result->pid = child;
    if (mode == TG_MONITOR_PTRACE) {
        long options = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                       PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
        if (ptrace(PTRACE_SEIZE, child, 0, options) != 0) {
            err = errno;
            kill(child, SIGKILL);
            fail(shared, "PTRACE_SEIZE of the job's first process", err);
        }
        __atomic_store_n(&handoff->released, 1, __ATOMIC_RELEASE);
        ptrace_loop(result);
    } else {
        __atomic_store_n(&handoff->released, 1, __ATOMIC_RELEASE);
        int listener;
        while ((listener = __atomic_load_n(&handoff->listener, __ATOMIC_ACQUIRE)) < 0 && !handoff->setup_errno) {
            int status;
            if (waitpid(child, &status, WNOHANG | __WALL) == child) {
                result->status = status; /* it ended before installing the filter */
                break;
            }
            struct timespec pause = {0, 50000};
            nanosleep(&pause, NULL);
        }
        if (listener >= 0)
            seccomp_loop(listener, result);
        while (reap(result, 0) != -ECHILD) {
        }
    }
    if (handoff->setup_errno)
        fail(shared, "installing the filter", handoff->setup_errno);
    result->exec_errno = handoff->exec_errno;
    _exit(0);
}

int tg_floor_run(enum tg_monitor_mode mode, const char *file, char *const argv[], char *const envp[],
                 const struct tg_capture_config *config, struct tg_floor_result *result, char *error,
                 size_t error_size)
{
    memset(result, 0, sizeof(*result));
    if (mode != TG_MONITOR_PTRACE && mode != TG_MONITOR_SECCOMP) {
        snprintf(error, error_size, "no floor for monitor mode %d", (int)mode);
        return -EINVAL;
    }
    struct shared *shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        int err = errno;
        snprintf(error, error_size, "preparing the floor: %s", strerror(err));
        return -err;
    }
    memset(shared, 0, sizeof(*shared));
    pid_t floor = fork();
    if (floor == 0)
        floor_main(mode, file, argv, envp, config, shared);
    int status = 0, err = floor < 0 ? errno : 0;
    while (!err && waitpid(floor, &status, 0) < 0)
        if (errno != EINTR)
            err = errno;
    if (!err && shared->failure_errno)
        err = shared->failure_errno;
    else if (!err && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        err = EPROTO;
        snprintf(shared->failure, sizeof(shared->failure), "the floor process ended with status %d", status);
    }
    if (err)
        snprintf(error, error_size, "%s", shared->failure[0] ? shared->failure : strerror(err));
    else
        *result = shared->result;
    munmap(shared, sizeof(*shared));
    return -err;
}
