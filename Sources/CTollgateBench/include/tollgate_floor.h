/* The floor of the ptrace and seccomp backends, for benchmarks: what the mechanism alone costs.
 *
 * The job installs exactly the filter the shipped monitor would have it install
 * (tg_monitor_filter) and a floor process, its parent, lets every ptrace stop or seccomp
 * notification go at once: nothing is read, recorded or decided, no record stream, no grace
 * period. Not the shipped monitor: its own bookkeeping (task table, records, verdicts) is what
 * the benchmarks compare against this floor.
 */
#ifndef TOLLGATE_FLOOR_H
#define TOLLGATE_FLOOR_H

#include <stdint.h>
#include <sys/types.h>
#include "tollgate_capture_config.h"
#include "tollgate_ptrace.h"

struct tg_floor_result {
    pid_t pid;        /* the job's first process */
    int status;       /* its wait(2) status */
    int exec_errno;   /* non-zero when its command could not be executed (status 126 or 127) */
    uint64_t stops;   /* as the shipped monitor counts them: ptrace wait(2) results (stops and
                         exits), or seccomp notifications */
};

/* Runs `file` (searched in PATH like execvp) with `argv` and `envp` under `mode`
 * (TG_MONITOR_PTRACE or TG_MONITOR_SECCOMP) with the filter for `config`, and returns once its
 * first process and every descendant it left behind have ended. A floor process forked for the
 * run is the job's parent and child subreaper, as the shipped monitor process is, so this
 * process's other children are left alone. Returns 0 or -errno with `error` written; the job
 * never runs unobserved. */
int tg_floor_run(enum tg_monitor_mode mode, const char *file, char *const argv[], char *const envp[],
                 const struct tg_capture_config *config, struct tg_floor_result *result, char *error,
                 size_t error_size);

#endif
