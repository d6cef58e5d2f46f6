/* The one record layout every capture backend produces.
 *
 * Included by the BPF programs (bpf/\*.bpf.c) and, through the CTollgate module, by Swift.
 * A record is a fixed header followed by `payload_count` payloads, each a
 * `struct tg_payload` and `length` bytes, padded to 8 bytes. `size` covers it all.
 */
#ifndef TOLLGATE_RECORD_H
#define TOLLGATE_RECORD_H

#include <linux/types.h>

/* What a record describes. */
enum tg_record_kind {
    TG_KIND_SYSCALL = 1,  /* a completed syscall: entry arguments and return value */
    TG_KIND_FORK = 2,     /* a tracked task created a process or thread */
    TG_KIND_EXEC = 3,     /* a tracked process replaced its image */
    TG_KIND_EXIT = 4,     /* a tracked task exited */
};

/* Record flags. */
enum tg_record_flag {
    TG_FLAG_PAYLOAD_TRUNCATED = 1 << 0, /* a payload was longer than the backend copies */
    TG_FLAG_RETURN_UNKNOWN = 1 << 1,    /* the backend cannot see the return value */
    TG_FLAG_PAYLOAD_FAILED = 1 << 2,    /* user memory could not be read */
    TG_FLAG_ARGV_TRUNCATED = 1 << 3,    /* exec: the command line was longer than TG_ARGV_MAX */
    TG_FLAG_GATE_TARGET = 1 << 4,       /* the call aimed at the gate or its monitor: the backend
                                         * refused it (ptrace, seccomp) or killed its caller (eBPF) */
    TG_FLAG_AWAITS_VERDICT = 1 << 5,    /* ptrace, seccomp (--kill-on, --deny-on): the task is held
                                         * until the gate answers (tg_monitor_answer) */
    TG_FLAG_PROBE = 1 << 6,             /* ptrace, seccomp (--deny-on): a call about to run, sent only
                                         * for the gate to decide whether it may; not an event */
    TG_FLAG_DENIED = 1 << 7,            /* the backend refused the call on the gate's verdict; `ret`
                                         * holds the error it returned */
    TG_FLAG_KILLED_IN_KERNEL = 1 << 8,  /* eBPF (--kill-on): the capture program killed the caller
                                         * at this call's exit (struct tg_kill_table) */
};

/* Flags of a TG_KIND_EXIT record's args[0], where a backend sees a thread's exit apart from
 * its process's (eBPF); without them a leader's exit (tid == pid) ends the process. */
enum tg_exit_flag {
    TG_EXIT_THREADS_REMAIN = 1 << 0, /* the leader exited alone: the process lives on */
    TG_EXIT_LAST_THREAD = 1 << 1,    /* a non-leader thread was the last: the process has ended */
};

/* Bytes of an exec's command line (TG_SLOT_ARGV, NULs included) every backend copies; a longer
 * one keeps its first TG_ARGV_MAX bytes and sets TG_FLAG_ARGV_TRUNCATED. Other payloads are
 * cut at 4096 bytes. */
#define TG_ARGV_MAX 65536

/* What a payload holds: the memory argument N points to, or a process fact. */
enum tg_payload_slot {
    TG_SLOT_ARG0 = 0, /* ... TG_SLOT_ARG0 + 5 */
    TG_SLOT_EXE_PATH = 16,
    TG_SLOT_ARGV = 17,     /* NUL-separated */
    TG_SLOT_ENV = 18,      /* NUL-separated */
    TG_SLOT_CWD = 19,
    TG_SLOT_RESOLVED_PATH = 20,
    TG_SLOT_CREDENTIALS = 21, /* struct tg_credentials: on a fork record the new task's, on
                               * others the calling task's after the call */
    TG_SLOT_EXE_FILE = 22,    /* exec records: struct tg_exe_file, the image's inode */
    TG_SLOT_CGROUP = 23,      /* exec (eBPF): the name of the task's cgroup2 folder (container ids) */
};

/* The capability sets of a task's credentials (bit N: capability N, as in linux/capability.h). */
struct tg_credentials {
    __u64 inheritable;
    __u64 permitted;
    __u64 effective;
};

/* The executable file of an exec record. Times are wall-clock nanoseconds since the epoch. */
struct tg_exe_file {
    __u64 ino;
    __u64 dev;                /* the kernel's st_dev encoding (major << 20 | minor) */
    __s64 ctime_ns;           /* last status change */
    __s64 mtime_ns;           /* last modification */
    __u64 pidns_init_start_ns; /* boot-time start of the init of the task's PID namespace; 0: unknown */
};

/* The fixed part of every record (64 bytes + 48 bytes of arguments). */
struct tg_record {
    __u32 size;           /* whole record in bytes, multiple of 8 */
    __u8 kind;            /* enum tg_record_kind */
    __u8 payload_count;
    __u16 flags;          /* enum tg_record_flag */
    __s32 syscall;        /* native syscall number, -1 for non-syscall kinds */
    __u32 reserved;
    __u64 timestamp_ns;   /* CLOCK_BOOTTIME-like nanoseconds */
    __s32 pid;            /* thread group id */
    __s32 tid;
    __s32 ppid;           /* parent's thread group id */
    __u32 uid;            /* effective */
    __u32 gid;            /* effective */
    __u32 reserved2;
    __s64 ret;            /* return value, child tid (fork) or wait status (exit) */
    __u64 args[6];
};

/* Header of one payload; `length` bytes follow, then padding to 8 bytes. */
struct tg_payload {
    __u16 slot;           /* enum tg_payload_slot */
    __u16 reserved;
    __u32 length;
};

#endif
