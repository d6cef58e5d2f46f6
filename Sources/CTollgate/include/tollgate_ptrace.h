/* The monitor process behind the ptrace and seccomp backends.
 *
 * The gate forks one monitor process per run. The monitor forks the job, is its tracer
 * (ptrace) or the holder of its seccomp listener (seccomp), is the child subreaper of the job's
 * tree, reaps it and enforces the grace period. Its only children are the job's processes, so
 * it may wait for any child (waitpid(-1)) without ever taking a child of the gate. It streams
 * `struct tg_record`s (tollgate_record.h) to the gate over a pipe, batched.
 */
#ifndef TOLLGATE_PTRACE_H
#define TOLLGATE_PTRACE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "tollgate_bpf.h"
#include "tollgate_capture_config.h"
#include "tollgate_memory.h"

/* How the monitor observes the job. */
enum tg_monitor_mode {
    TG_MONITOR_PTRACE = 1,  /* SECCOMP_RET_TRACE filter + ptrace: arguments, results, payloads */
    TG_MONITOR_SECCOMP = 2, /* SECCOMP_RET_USER_NOTIF filter: arguments and payloads at entry */
};

enum { TG_MONITOR_KILLED_MAX = 256 };

/* What the monitor asks the gate before it lets a task go on (--kill-on, --deny-on). */
struct tg_verdict_config {
    /* Bit N set: a record of syscall N (or an exec record, for execve/execveat) holds its
     * task, flagged TG_FLAG_AWAITS_VERDICT, until the gate answers it. */
    uint64_t hold_syscalls[TG_MAX_SYSCALLS / 64];
    /* Bit N set: a call of syscall N is first sent as a probe (TG_FLAG_PROBE) at its entry and
     * refused with `deny_errno` when the gate answers TG_VERDICT_DENY. */
    uint64_t deny_syscalls[TG_MAX_SYSCALLS / 64];
    int deny_errno;
};

/* The gate's answers to a record flagged TG_FLAG_AWAITS_VERDICT, one byte each, in order. Once
 * the gate has answered TG_VERDICT_KILL it answers nothing else; it may also send it unasked. */
enum { TG_VERDICT_ALLOW = 'a', TG_VERDICT_DENY = 'd', TG_VERDICT_KILL = 'k' };

/* What the monitor reported about the run so far. */
struct tg_monitor_summary {
    pid_t job_pid;          /* the job's first process */
    int finished;           /* the monitor ended: every process of the job has exited */
    int main_ended;         /* the job's first process was reaped */
    int main_status;        /* its wait(2) status */
    int exec_errno;         /* non-zero when the job's command could not be executed */
    int no_new_privs;       /* the filter needed no_new_privs (setuid programs do not elevate) */
    int sync_wake_up;       /* seccomp: SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP was accepted */
    int interruptible_waits; /* seccomp: the kernel refused SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV */
    uint64_t stops;         /* ptrace stops or seccomp notifications handled */
    uint64_t records;       /* records the monitor sent */
    struct tg_memory_reads reads; /* how the monitor read the job's memory (probe_errno not sent) */
    uint64_t killed_count;  /* descendants killed after the grace period */
    pid_t killed[TG_MONITOR_KILLED_MAX];
    char error[256];        /* why the monitor failed, when it did */
    /* The monitor process itself, as tg_monitor_watch() sees it: the job may signal it. */
    pid_t monitor_pid;
    int done;                   /* it reported its end (it saw the whole run) */
    int monitor_reaped;         /* it ended and was reaped */
    int monitor_status;         /* then: its wait(2) status */
    uint64_t monitor_stops;     /* times it was found stopped by a signal and resumed */
    int monitor_stop_signal;    /* the signal of the last such stop */
    uint64_t monitor_stopped_ns; /* the longest such stop, at most: from the last time it was
                                    seen running to its resumption */
};

/* A running monitor and the gate's end of its record stream. */
struct tg_monitor;

/* Forks the monitor, which forks the job held before exec (`file` searched in PATH like
 * execvp, `envp` its environment) with a filter for the syscalls `config` wants plus those the
 * monitor needs itself. Once it returns, the job's pid is known (tg_monitor_summary) and
 * nothing of the job has run. After the main process ends, the rest of the tree gets
 * `grace_seconds` before it is killed. ptrace follows a stopped syscall to its exit (one more
 * stop) only when bit N of `exit_syscalls` (TG_MAX_SYSCALLS bits) is set, or for exec and
 * set*id, which the monitor needs; the others are recorded at entry with
 * TG_FLAG_RETURN_UNKNOWN. NULL follows every one. `verdicts` (NULL: none) says which records
 * wait for the gate's answer and which calls it may refuse. On failure returns NULL with a description
 * in `error`. */
struct tg_monitor *tg_monitor_start(enum tg_monitor_mode mode, const char *file, char *const argv[],
                                    char *const envp[], const struct tg_capture_config *config,
                                    const uint64_t *exit_syscalls, const struct tg_verdict_config *verdicts,
                                    double grace_seconds, char *error, size_t error_size);

/* A seccomp filter program (`struct sock_fprog`, linux/filter.h). */
struct sock_fprog;

/* Builds the filter tg_monitor_start has the job install in `mode`: SECCOMP_RET_TRACE or
 * SECCOMP_RET_USER_NOTIF for the syscalls `config` wants plus those the monitor needs itself,
 * and for every call that may aim at this process or at `monitor_pid` (the process that will
 * trace or answer the job). Release it with tg_monitor_filter_free. Returns 0 or -errno. */
int tg_monitor_filter(enum tg_monitor_mode mode, const struct tg_capture_config *config, pid_t monitor_pid,
                      struct sock_fprog *filter);

void tg_monitor_filter_free(struct sock_fprog *filter);

/* waitpid(-1, status, __WALL) as the monitor's ptrace loop waits for the next stop: polling
 * without blocking for up to 50 µs first (a stop usually follows within microseconds of the
 * last resume, and waking a halted vCPU costs tens of microseconds). Returns waitpid's. */
pid_t tg_ptrace_wait(int *status);

/* Answers the oldest record still awaiting a verdict (or, with TG_VERDICT_KILL, none): the
 * monitor kills every process of the job at once on TG_VERDICT_KILL. Returns 0 or -errno. */
int tg_monitor_answer(struct tg_monitor *monitor, char verdict);

/* Lets the job exec. Returns 0 or -errno. */
int tg_monitor_release(struct tg_monitor *monitor);

/* Waits up to `timeout_ms` for records and hands each complete one to `handler`, in order.
 * Returns the number of records handled, or -errno. */
int tg_monitor_poll(struct tg_monitor *monitor, int timeout_ms, tg_record_handler handler, void *context);

/* Notices, without blocking, a monitor that a signal stopped (the job can signal it: it is
 * the job's parent) and resumes it at once with SIGCONT, counting the stop; notices and
 * reaps a monitor that ended. Call it on every tick of the loop around tg_monitor_poll. */
void tg_monitor_watch(struct tg_monitor *monitor);

/* Ends the grace period now: what remains of the job once its main process ended is killed. */
void tg_monitor_cancel(struct tg_monitor *monitor);

const struct tg_monitor_summary *tg_monitor_summary(const struct tg_monitor *monitor);

/* Stops the monitor if it still runs (killing the job), reaps it (resuming it if it is
 * stopped) and frees everything. */
void tg_monitor_close(struct tg_monitor *monitor);

#endif
