/* Seccomp filters built in the parent with libseccomp, installed in a child with one syscall. */
#ifndef TOLLGATE_SECCOMP_PROGRAM_H
#define TOLLGATE_SECCOMP_PROGRAM_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/* Builds a filter that allows everything except `syscalls`, which get `action`
 * (an SCMP_ACT_* value). Building allocates, so do it before fork(); the child installs the
 * result with seccomp(SECCOMP_SET_MODE_FILTER, flags, program). Returns 0 or -errno. */
int tg_seccomp_program_build(const int *syscalls, size_t count, uint32_t action,
                             struct sock_fprog *program);

void tg_seccomp_program_free(struct sock_fprog *program);

#endif
