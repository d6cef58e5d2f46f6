/* The gate's side of the monitor process (include/tollgate_ptrace.h): builds the filter,
 * forks the monitor, reads its record stream. */
#include "ptrace_monitor.h"
#include "seccomp_program.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STREAM_BUFFER (1 << 20)

struct tg_monitor {
    pid_t monitor_pid;
    int records_fd;
    int control_fd;
    char *buffer;
    size_t used;
    int64_t seen_running_ns; /* when tg_monitor_watch last found it not stopped */
    struct tg_monitor_summary summary;
};

/* Syscalls the monitor needs whatever the rules want. */
static const int ptrace_needs[] = {SYS_execve,   SYS_execveat, SYS_setuid,   SYS_setgid,   SYS_setreuid,
                                   SYS_setregid, SYS_setresuid, SYS_setresgid, SYS_setfsuid, SYS_setfsgid,
                                   SYS_capset,   SYS_unshare,  SYS_setns};
static const int seccomp_needs[] = {
    SYS_clone, SYS_clone3, SYS_exit, SYS_exit_group,
#ifdef SYS_fork
    SYS_fork, SYS_vfork,
#endif
};

int tg_monitor_filter(enum tg_monitor_mode mode, const struct tg_capture_config *config, pid_t monitor_pid,
                      struct sock_fprog *filter)
{
    int numbers[TG_MAX_SYSCALLS + 32];
    size_t count = 0;
    for (int nr = 0; nr < TG_MAX_SYSCALLS; nr++)
        if ((config->wanted_syscalls[nr / 64] >> (nr % 64)) & 1)
            numbers[count++] = nr;
    for (size_t i = 0; i < sizeof(ptrace_needs) / sizeof(ptrace_needs[0]); i++)
        numbers[count++] = ptrace_needs[i];
    if (mode == TG_MONITOR_SECCOMP)
        for (size_t i = 0; i < sizeof(seccomp_needs) / sizeof(seccomp_needs[0]); i++)
            numbers[count++] = seccomp_needs[i];
    /* Duplicates would make libseccomp refuse the rule. */
    size_t unique = 0;
    for (size_t i = 0; i < count; i++) {
        size_t j = 0;
        while (j < unique && numbers[j] != numbers[i])
            j++;
        if (j == unique)
            numbers[unique++] = numbers[i];
    }
    uint32_t action = mode == TG_MONITOR_SECCOMP ? SCMP_ACT_NOTIFY : SCMP_ACT_TRACE(0);
    /* The gate (this process) and the monitor: the job cannot trace, signal or read them,
     * even as root. */
    const pid_t protected_pids[] = {getpid(), monitor_pid};
    return tg_seccomp_program_build(numbers, unique, action, protected_pids, 2, filter);
}

void tg_monitor_filter_free(struct sock_fprog *filter)
{
    tg_seccomp_program_free(filter);
}

static int64_t monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* Handles one complete frame; returns 1 when it was a record for the handler. */
static int frame(struct tg_monitor *monitor, const struct tg_record *record)
{
    struct tg_monitor_summary *summary = &monitor->summary;
    switch (record->kind) {
    case TG_MSG_STARTED:
        summary->job_pid = record->pid;
        return 0;
    case TG_MSG_MAIN_EXIT:
        summary->main_ended = 1;
        summary->main_status = (int)record->ret;
        summary->exec_errno = (int)record->args[0];
        return 0;
    case TG_MSG_KILLED:
        if (summary->killed_count < TG_MONITOR_KILLED_MAX)
            summary->killed[summary->killed_count] = record->pid;
        summary->killed_count++;
        return 0;
    case TG_MSG_DONE:
        summary->done = 1;
        summary->stops = record->args[0];
        summary->records = record->args[1];
        summary->no_new_privs = (int)record->args[2];
        summary->sync_wake_up = (int)record->args[3];
        summary->interruptible_waits = (int)record->args[4];
        return 0;
    case TG_MSG_READS:
        for (int method = 0; method < TG_READ_METHODS; method++)
            summary->reads.reads[method] = record->args[method];
        summary->reads.failed = record->args[3];
        summary->reads.method = (int)record->args[4] - 1;
        return 0;
    case TG_MSG_FAILED: {
        const struct tg_payload *payload = (const struct tg_payload *)(record + 1);
        size_t length = record->payload_count && record->size >= sizeof(*record) + sizeof(*payload) + payload->length
                            ? payload->length : 0;
        snprintf(summary->error, sizeof(summary->error), "%.*s", (int)length, (const char *)(payload + 1));
        return 0;
    }
    default:
        return 1;
    }
}

/* Reads what the pipe holds and hands out complete frames. Returns records handled or -errno. */
static int drain(struct tg_monitor *monitor, tg_record_handler handler, void *context)
{
    ssize_t got = read(monitor->records_fd, monitor->buffer + monitor->used, STREAM_BUFFER - monitor->used);
    if (got < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : -errno;
    if (got == 0) {
        monitor->summary.finished = 1;
        return 0;
    }
    monitor->used += (size_t)got;
    int handled = 0;
    size_t offset = 0;
    while (monitor->used - offset >= sizeof(struct tg_record)) {
        struct tg_record header;
        memcpy(&header, monitor->buffer + offset, sizeof(header));
        if (header.size < sizeof(header) || header.size > TG_RECORD_MAX) {
            snprintf(monitor->summary.error, sizeof(monitor->summary.error),
                     "the monitor sent a damaged record (%u bytes)", header.size);
            monitor->summary.finished = 1;
            return -EPROTO;
        }
        if (monitor->used - offset < header.size)
            break;
        const struct tg_record *record = (const struct tg_record *)(monitor->buffer + offset);
        if (frame(monitor, record) && handler) {
            handler(context, record, header.size);
            handled++;
        }
        offset += header.size;
    }
    memmove(monitor->buffer, monitor->buffer + offset, monitor->used - offset);
    monitor->used -= offset;
    return handled;
}

struct tg_monitor *tg_monitor_start(enum tg_monitor_mode mode, const char *file, char *const argv[],
                                    char *const envp[], const struct tg_capture_config *config,
                                    const uint64_t *exit_syscalls, const struct tg_verdict_config *verdicts,
                                    double grace_seconds, char *error, size_t error_size)
{
    struct tg_monitor *monitor = calloc(1, sizeof(*monitor));
    char *buffer = malloc(STREAM_BUFFER);
    struct tg_monitor_setup setup = {.mode = mode, .file = file, .argv = argv, .envp = envp, .config = config,
                                     .exit_syscalls = exit_syscalls, .verdicts = verdicts, .grace_seconds = grace_seconds, .gate_pid = getpid()};
    int records[2] = {-1, -1}, control[2] = {-1, -1};
    int err = !monitor || !buffer ? ENOMEM : 0;
    if (!err)
        /* The monitor is forked after this: its pid is filled in by the monitor itself. */
        err = -tg_monitor_filter(mode, config, TG_SECCOMP_PID_PLACEHOLDER, &setup.filter);
    if (!err && (pipe2(records, O_CLOEXEC) != 0 || pipe2(control, O_CLOEXEC) != 0))
        err = errno;
    if (err) {
        snprintf(error, error_size, "preparing the monitor: %s", strerror(err));
        goto fail;
    }
    setup.out_fd = records[1];
    setup.control_fd = control[0];
    pid_t pid = fork();
    if (pid == 0)
        tg_monitor_main(&setup);
    err = pid < 0 ? errno : 0;
    close(records[1]);
    close(control[0]);
    records[1] = control[0] = -1;
    tg_seccomp_program_free(&setup.filter);
    if (pid < 0) {
        snprintf(error, error_size, "forking the monitor: %s", strerror(err));
        goto fail;
    }
    monitor->monitor_pid = pid;
    monitor->summary.monitor_pid = pid;
    monitor->summary.reads.method = TG_READ_NONE;
    monitor->seen_running_ns = monotonic_ns();
    monitor->records_fd = records[0];
    monitor->control_fd = control[1];
    monitor->buffer = buffer;
    /* Until the job's pid arrives (or the monitor says why it could not start). */
    while (!monitor->summary.job_pid && !monitor->summary.finished) {
        struct pollfd ready = {.fd = monitor->records_fd, .events = POLLIN};
        if (poll(&ready, 1, 10000) <= 0) {
            snprintf(monitor->summary.error, sizeof(monitor->summary.error), "the monitor did not start in time");
            break;
        }
        if (drain(monitor, NULL, NULL) < 0)
            break;
    }
    if (!monitor->summary.job_pid) {
        snprintf(error, error_size, "%s", monitor->summary.error[0] ? monitor->summary.error : "the monitor ended at once");
        tg_monitor_close(monitor);
        return NULL;
    }
    return monitor;

fail:
    for (int i = 0; i < 2; i++) {
        if (records[i] >= 0)
            close(records[i]);
        if (control[i] >= 0)
            close(control[i]);
    }
    tg_seccomp_program_free(&setup.filter);
    free(buffer);
    free(monitor);
    return NULL;
}

/* A monitor that has ended makes the write fail with EPIPE, never a SIGPIPE that kills the gate
 * before it writes its reports. */
static int send_control(struct tg_monitor *monitor, char byte)
{
    sigset_t pipe_signal, previous;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
    ssize_t sent;
    while ((sent = write(monitor->control_fd, &byte, 1)) < 0 && errno == EINTR) {
    }
    int err = sent == 1 ? 0 : errno;
    if (err == EPIPE && !sigismember(&previous, SIGPIPE)) {
        struct timespec none = {0, 0};
        while (sigtimedwait(&pipe_signal, NULL, &none) == SIGPIPE) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return -err;
}

int tg_monitor_release(struct tg_monitor *monitor)
{
    return send_control(monitor, TG_CONTROL_RELEASE);
}

int tg_monitor_answer(struct tg_monitor *monitor, char verdict)
{
    return send_control(monitor, verdict);
}

void tg_monitor_cancel(struct tg_monitor *monitor)
{
    send_control(monitor, TG_CONTROL_CANCEL);
}

int tg_monitor_poll(struct tg_monitor *monitor, int timeout_ms, tg_record_handler handler, void *context)
{
    if (monitor->summary.finished)
        return 0;
    struct pollfd ready = {.fd = monitor->records_fd, .events = POLLIN};
    int woken = poll(&ready, 1, timeout_ms);
    if (woken < 0)
        return errno == EINTR ? 0 : -errno;
    if (woken == 0)
        return 0;
    return drain(monitor, handler, context);
}

/* Handles one wait status of the monitor: resumes a stop, notes an end. */
static void monitor_changed(struct tg_monitor *monitor, int status)
{
    struct tg_monitor_summary *summary = &monitor->summary;
    if (WIFSTOPPED(status)) {
        kill(monitor->monitor_pid, SIGCONT);
        int64_t stopped = monotonic_ns() - monitor->seen_running_ns;
        summary->monitor_stops++;
        summary->monitor_stop_signal = WSTOPSIG(status);
        if (stopped > 0 && (uint64_t)stopped > summary->monitor_stopped_ns)
            summary->monitor_stopped_ns = (uint64_t)stopped;
    } else if (WIFEXITED(status) || WIFSIGNALED(status)) {
        summary->monitor_reaped = 1;
        summary->monitor_status = status;
    }
}

void tg_monitor_watch(struct tg_monitor *monitor)
{
    int status;
    while (!monitor->summary.monitor_reaped &&
           waitpid(monitor->monitor_pid, &status, WNOHANG | WUNTRACED | WCONTINUED) == monitor->monitor_pid)
        monitor_changed(monitor, status);
    monitor->seen_running_ns = monotonic_ns();
}

const struct tg_monitor_summary *tg_monitor_summary(const struct tg_monitor *monitor)
{
    return &monitor->summary;
}

void tg_monitor_close(struct tg_monitor *monitor)
{
    if (!monitor)
        return;
    /* Closing the control pipe tells a monitor that still runs to kill the job and end. */
    close(monitor->control_fd);
    close(monitor->records_fd);
    /* A monitor the job stopped would never end: resume it whenever it stops. */
    int status;
    pid_t got;
    while (!monitor->summary.monitor_reaped &&
           ((got = waitpid(monitor->monitor_pid, &status, WUNTRACED)) == monitor->monitor_pid || errno == EINTR))
        if (got == monitor->monitor_pid)
            monitor_changed(monitor, status);
    free(monitor->buffer);
    free(monitor);
}
