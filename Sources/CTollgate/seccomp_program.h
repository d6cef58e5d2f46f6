/* Seccomp filters built in the parent with libseccomp, installed in a child with one syscall. */
#ifndef TOLLGATE_SECCOMP_PROGRAM_H
#define TOLLGATE_SECCOMP_PROGRAM_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

/* A pid no process has (above the kernel's PID_MAX_LIMIT): stands in a protected-pid list for
 * a process forked after the filter is built; tg_seccomp_program_set_placeholder fills it. */
#define TG_SECCOMP_PID_PLACEHOLDER 0x7ffffff0

/* Builds a filter that allows everything except `syscalls`, which get `action`
 * (an SCMP_ACT_* value, the monitor's: trace or notify). With `protected_pids` (the gate and
 * its monitor) the calls that could trace, signal, read or write the memory of, or get a pidfd
 * for one of them get `action` too, whatever the rules want: ptrace, process_vm_readv/writev,
 * kill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo and pidfd_open naming one of the pids (as a
 * 32-bit value, as the kernel reads it), and every tkill, pidfd_send_signal, pidfd_getfd and
 * kill of a process group. The monitor refuses those that aim at a protected process.
 * Building allocates, so do it before fork(); the child installs the result with
 * seccomp(SECCOMP_SET_MODE_FILTER, flags, program). Returns 0 or -errno. */
int tg_seccomp_program_build(const int *syscalls, size_t count, uint32_t action,
                             const pid_t *protected_pids, size_t protected_count,
                             struct sock_fprog *program);

/* Replaces TG_SECCOMP_PID_PLACEHOLDER in a built program by `pid`; no allocation, so a
 * forked child may call it. */
void tg_seccomp_program_set_placeholder(struct sock_fprog *program, pid_t pid);

void tg_seccomp_program_free(struct sock_fprog *program);

#endif
