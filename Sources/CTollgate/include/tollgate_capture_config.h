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
    TG_ARG_MESSAGE_NAME = 6,          /* a struct msghdr (sendmsg, recvmsg) or an array of struct
                                       * mmsghdr (sendmmsg, whose first member is a msghdr): the
                                       * sockaddr its msg_name points to, msg_namelen bytes (at most
                                       * 128); for sendmmsg, a message of the vector that goes
                                       * elsewhere than the first makes the payload unreadable */
};

/* The start of struct msghdr (and so of struct mmsghdr) on 64-bit Linux. */
struct tg_message_name {
    __u64 name;
    __u32 name_length;
};
#define TG_MMSGHDR_SIZE 64 /* sizeof(struct mmsghdr) on 64-bit Linux */
#define TG_MMSG_CHECKED 64 /* messages of a sendmmsg vector compared with the first */

/* Flags of a TG_KIND_EXEC record's args[0]. */
enum tg_exec_flag {
    TG_EXEC_WRITABLE = 1 << 0,    /* the task's new credentials may write its image (Falco's EXE_WRITABLE) */
    TG_EXEC_UPPER_LAYER = 1 << 1, /* the image is in an overlayfs upper layer (EXE_UPPER_LAYER) */
    TG_EXEC_FROM_MEMFD = 1 << 2,  /* the image was executed from a memfd (Falco's EXE_FROM_MEMFD) */
    TG_EXEC_LOWER_LAYER = 1 << 3, /* the image is in an overlayfs lower layer (EXE_LOWER_LAYER) */
    TG_EXEC_WRITABLE_KNOWN = 1 << 8, /* the backend checked writability: TG_EXEC_WRITABLE clear means not */
    TG_EXEC_LAYER_KNOWN = 1 << 9,    /* the backend checked overlayfs layers: both clear means none */
};

/* --kill-on on eBPF: conditions the capture program decides itself at the exit of a successful
 * open, killing the caller (bpf_send_signal) before the call returns to user space. User space
 * builds them (KernelOpenRules) from the rules whose condition, or part of it that alone
 * implies it, needs only the file opened, the open's flags and the caller's executable. A
 * clause holds when the call is one of `calls`, the facts agree and every test of
 * `tests_true` passes and none of `tests_false`; a test passes when one of its patterns
 * matches its subject. */
#define TG_KILL_PATTERNS 256
#define TG_KILL_PATTERN_BYTES 64
#define TG_KILL_CLAUSES 64

/* What a pattern is matched against. */
enum tg_kill_subject {
    TG_KILL_NAME = 0,      /* fd.name of the file opened */
    TG_KILL_DIRECTORY = 1, /* fd.directory */
    TG_KILL_FILENAME = 2,  /* fd.filename */
    TG_KILL_EXE = 3,       /* proc.exepath of the caller */
};

/* Facts of the open from its flags (evt.is_open_read, evt.is_open_write, fd.typechar 'd'). */
enum tg_kill_fact {
    TG_KILL_READ = 1 << 0,
    TG_KILL_WRITE = 1 << 1,
    TG_KILL_DIRECTORY_FD = 1 << 2,
};

/* The open calls a clause applies to. */
enum tg_kill_call {
    TG_KILL_OPEN = 1 << 0,
    TG_KILL_OPENAT = 1 << 1,
    TG_KILL_OPENAT2 = 1 << 2,
    TG_KILL_CREAT = 1 << 3,
    TG_KILL_OPEN_BY_HANDLE_AT = 1 << 4,
};

/* Matches a subject that starts with `prefix`, ends with `suffix` and is at least as long as
 * both (exactly as long when `exact`). */
struct tg_kill_pattern {
    __u8 test;    /* the bit of the test a match sets */
    __u8 subject; /* enum tg_kill_subject */
    __u8 prefix_length;
    __u8 suffix_length;
    __u8 exact;
    __u8 reserved[3];
    __u8 prefix[TG_KILL_PATTERN_BYTES];
    __u8 suffix[TG_KILL_PATTERN_BYTES];
};

struct tg_kill_clause {
    __u64 tests_true;
    __u64 tests_false;
    __u8 calls;           /* enum tg_kill_call bits */
    __u8 facts_required;  /* enum tg_kill_fact bits */
    __u8 facts_forbidden;
    __u8 reserved[5];
};

struct tg_kill_table {
    __u32 enforcing;    /* --kill-on (or --deny-on, which kills on eBPF) is on */
    __u32 pattern_count;
    __u32 clause_count; /* 0: the program decides nothing itself */
    __u64 exe_tests;    /* the tests whose subject is TG_KILL_EXE */
    struct tg_kill_pattern patterns[TG_KILL_PATTERNS];
    struct tg_kill_clause clauses[TG_KILL_CLAUSES];
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
    /* --kill-on: what the program kills for itself (see struct tg_kill_table). */
    struct tg_kill_table kill;
};

/* How a call names the process it aims at. */
enum tg_aim {
    TG_AIM_NONE = 0,
    TG_AIM_ARG0 = 1,   /* a pid or tid in argument 0 */
    TG_AIM_PTRACE = 2, /* ptrace: argument 1, unless PTRACE_TRACEME */
    TG_AIM_KILL = 3,   /* kill: a pid, 0 (own group), -1 (all) or -group; the signal in argument 1 */
    TG_AIM_SIGNAL_ARG1 = 4, /* a pid or tid in argument 0, the signal in argument 1 */
    TG_AIM_SIGNAL_ARG2 = 5, /* a pid or tgid in argument 0, the signal in argument 2 */
    TG_AIM_PIDFD = 6,        /* a pidfd (or an open /proc/<pid> directory) in argument 0 */
    TG_AIM_PIDFD_SIGNAL = 7, /* the same, the signal in argument 1 */
};

#endif
