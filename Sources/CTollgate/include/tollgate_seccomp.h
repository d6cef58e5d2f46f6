/* The seccomp user-notification backend runs in the monitor process of tollgate_ptrace.h
 * with TG_MONITOR_SECCOMP: the job's first process installs a SECCOMP_RET_USER_NOTIF filter
 * (plus clone/fork/exec/exit so the monitor learns the tree) and the monitor answers every
 * notification with CONTINUE after reading the arguments and the memory they point to.
 *
 * What it cannot see: return values (records carry TG_FLAG_RETURN_UNKNOWN), memory the kernel
 * writes (accept's address, pipe's fds), whether an exec succeeded (an exec record is derived
 * at notification time when the target is an executable file), and exits of processes killed
 * by a signal whose parent is not the monitor.
 */
#ifndef TOLLGATE_SECCOMP_H
#define TOLLGATE_SECCOMP_H

#include "tollgate_ptrace.h"

#endif
