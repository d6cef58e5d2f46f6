/* Probes of what this process may do, each tried for real in a short-lived child. */
#ifndef TOLLGATE_PROBE_H
#define TOLLGATE_PROBE_H

#include <stddef.h>
#include "tollgate_memory.h"

/* The outcome of one probe: errno 0 when it worked, else why not, with a description. */
struct tg_probe_result {
    int error;           /* 0 on success, an errno otherwise */
    int extra;           /* probe-specific fact (see each probe) */
    char message[256];   /* what failed, in words */
    /* ptrace and seccomp probes: reading a known string from the child's memory through the
     * backends' own reader (remote_memory.h), after the mechanism itself worked. */
    int memory_tried;
    int read_method;                       /* enum tg_read_method that returned it, or TG_READ_NONE */
    int read_errno[TG_READ_METHODS];       /* why each method tried before it failed */
};

/* A child installs a seccomp filter that fails getppid() with a chosen errno and checks it. */
void tg_probe_seccomp_filter(struct tg_probe_result *result);

/* A child installs a user-notification filter on getppid(), passes the listener to this
 * process over a unix socket, and this process answers the notification with CONTINUE, after
 * reading a string from the notifying child's memory as the seccomp monitor would.
 * `extra` is 1 when SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (Linux 6.6+) is accepted too. */
void tg_probe_seccomp_notify(struct tg_probe_result *result);

/* A child asks to be traced, installs a SECCOMP_RET_TRACE filter on getppid() and calls it;
 * this process must see the seccomp stop, the fork options must be accepted, and the child
 * must exit cleanly. While the child is stopped this process reads a string from its memory
 * as the ptrace monitor would (PTRACE_PEEKDATA included). */
void tg_probe_ptrace(struct tg_probe_result *result);

/* Loads a BPF LSM program on the file_open hook that allows everything (it is never
 * attached): whether the eBPF backend could refuse calls in the kernel here. */
void tg_probe_bpf_lsm(struct tg_probe_result *result);

#endif
