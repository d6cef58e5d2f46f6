/* What user space tells the capture program before loading it (its read-only data).
 * Shared by bpf/tollgate.bpf.c and the libbpf glue. */
#ifndef TOLLGATE_CAPTURE_CONFIG_H
#define TOLLGATE_CAPTURE_CONFIG_H

#include <linux/types.h>

#define TG_MAX_SYSCALLS 512

/* How the capture program reads the memory an argument points to, at syscall exit. */
enum tg_arg_kind {
    TG_ARG_NONE = 0,
    TG_ARG_STRING = 1,                /* a NUL-terminated string, e.g. a path */
    TG_ARG_SOCKADDR_LEN_NEXT = 2,     /* a sockaddr whose length is the next argument */
    TG_ARG_SOCKADDR_LEN_PTR_NEXT = 3, /* a sockaddr whose length the next argument points to */
    TG_ARG_FD_PAIR = 4,               /* two ints written by the kernel (pipe, socketpair) */
    TG_ARG_STRUCT_LEN_NEXT = 5,       /* a struct the syscall reads whose size is the next argument
                                       * (openat2's open_how); like a sockaddr, at most 128 bytes */
};

/* Flags of a TG_KIND_EXEC record's args[0]. */
enum tg_exec_flag {
    TG_EXEC_FROM_MEMFD = 1 << 2, /* the image was executed from a memfd (Falco's EXE_FROM_MEMFD) */
};

struct tg_capture_config {
    /* Bit N set: syscall number N of this architecture is captured. */
    __u64 wanted_syscalls[TG_MAX_SYSCALLS / 64];
    /* Per syscall number and argument: an enum tg_arg_kind. */
    __u8 arg_kinds[TG_MAX_SYSCALLS][6];
    /* Wake the consumer only once this many bytes wait in the ring buffer. */
    __u64 wakeup_bytes;
    /* Bit N set: a call of syscall N that failed (returned -4095...-1) is not captured, as no
     * rule can match it and it changes no state. All clear (the default) captures every one. */
    __u64 success_only_syscalls[TG_MAX_SYSCALLS / 64];
    /* eBPF: the gate's process and process group, and per syscall number how a call names
     * its target (an enum tg_aim), filled in by the loader: a tracked task's call aimed at the
     * gate is flagged and the task killed (tollgate.bpf.c, aims_at_gate). */
    __s32 gate_tgid;
    __s32 gate_pgid;
    __u8 aimed_how[TG_MAX_SYSCALLS];
    /* Bit N set: a record of syscall N wakes the consumer at once (a finding on it may kill
     * the job: --kill-on); bit K of urgent_kinds does the same for records of kind K. */
    __u64 urgent_syscalls[TG_MAX_SYSCALLS / 64];
    __u32 urgent_kinds;
};

/* How a call names the process it aims at. */
enum tg_aim {
    TG_AIM_NONE = 0,
    TG_AIM_ARG0 = 1,   /* a pid or tid in argument 0 */
    TG_AIM_PTRACE = 2, /* ptrace: argument 1, unless PTRACE_TRACEME */
    TG_AIM_KILL = 3,   /* kill: a pid, 0 (own group), -1 (all) or -group; the signal in argument 1 */
    TG_AIM_SIGNAL_ARG1 = 4, /* a pid or tid in argument 0, the signal in argument 1 */
    TG_AIM_SIGNAL_ARG2 = 5, /* a pid or tgid in argument 0, the signal in argument 2 */
};

#endif
