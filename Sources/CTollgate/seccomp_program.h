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
 * (an SCMP_ACT_* value), and that refuses with EPERM the calls that would trace, signal,
 * read or write the memory of, or get a pidfd for one of `protected_pids` (ptrace,
 * process_vm_readv/writev, kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo,
 * pidfd_open): the gate and its monitor. Pids compare as 32-bit values, as the kernel reads
 * them. Building allocates, so do it before fork(); the child installs the result with
 * seccomp(SECCOMP_SET_MODE_FILTER, flags, program). Returns 0 or -errno. */
int tg_seccomp_program_build(const int *syscalls, size_t count, uint32_t action,
                             const pid_t *protected_pids, size_t protected_count,
                             struct sock_fprog *program);

/* Replaces TG_SECCOMP_PID_PLACEHOLDER in a built program by `pid`; no allocation, so a
 * forked child may call it. */
void tg_seccomp_program_set_placeholder(struct sock_fprog *program, pid_t pid);

void tg_seccomp_program_free(struct sock_fprog *program);

#endif
