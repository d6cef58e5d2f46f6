/* Inside the monitor process (see include/tollgate_ptrace.h): state and helpers shared by the
 * ptrace tracer loop and the seccomp notification loop. Everything here runs in the monitor,
 * a child forked from a multi-threaded gate: only system calls and memory mapped after the
 * fork, no malloc, no stdio. */
#ifndef TOLLGATE_PTRACE_MONITOR_H
#define TOLLGATE_PTRACE_MONITOR_H

#include "tollgate_capture_config.h"
#include "tollgate_ptrace.h"
#include "tollgate_record.h"
#include "remote_memory.h"

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TG_PAYLOAD_MAX 4096      /* bytes copied per payload, as the eBPF program does */
#define TG_MAX_PAYLOADS 3        /* payloads per syscall record, as the eBPF program does */
/* Four payloads of TG_PAYLOAD_MAX, and an exec's command line of TG_ARGV_MAX. */
/* Four payloads of TG_PAYLOAD_MAX, an exec's command line of TG_ARGV_MAX, its credentials and its
 * executable file. */
#define TG_RECORD_MAX                                                                                                  \
    (sizeof(struct tg_record) + 4 * (sizeof(struct tg_payload) + TG_PAYLOAD_MAX + 8) + sizeof(struct tg_payload) +      \
     TG_ARGV_MAX + 8 + 2 * sizeof(struct tg_payload) + sizeof(struct tg_credentials) + sizeof(struct tg_exe_file))
#define TG_CLONE_THREAD 0x00010000

/* Messages from the monitor to the gate, framed like records (a struct tg_record header). */
enum tg_monitor_message {
    TG_MSG_STARTED = 0x81,   /* pid: the job's first process */
    TG_MSG_MAIN_EXIT = 0x82, /* ret: its wait status; args[0]: exec errno */
    TG_MSG_KILLED = 0x83,    /* pid: a descendant killed after the grace period */
    TG_MSG_DONE = 0x84,      /* args[0]: stops; args[1]: records; args[2]: no_new_privs; args[3]: sync wake-up;
                              * args[4]: interruptible waits */
    TG_MSG_FAILED = 0x85,    /* ret: -errno; an ARG0 payload says what failed */
    TG_MSG_READS = 0x86,     /* args[0..2]: reads per tg_read_method; args[3]: failed; args[4]: method + 1 */
};

/* Gate -> monitor control bytes. */
enum { TG_CONTROL_RELEASE = 'g', TG_CONTROL_CANCEL = 'c' };

/* One thread of the job. */
struct tg_task {
    pid_t tid;               /* 0: free slot */
    pid_t tgid;
    pid_t ppid;              /* as records report it: the gate stands for the monitor */
    uint32_t uid, gid;
    uint8_t announced;       /* a fork record introduced it (or it is the job's first process) */
    uint8_t in_syscall;      /* ptrace: between a seccomp stop and the syscall's exit */
    uint8_t held;            /* ptrace: stopped before its parent's fork event: resumed once announced */
    uint8_t monitor_child;   /* its parent is the monitor: its wait status arrives by waitpid */
    uint8_t creds_stale;     /* seccomp: a call that changes credentials was let through: re-read them */
    uint8_t caps_known;      /* `caps` was read from /proc */
    int held_status;
    int nr;
    int stash;               /* ptrace: index of the exec path read at entry, or -1 */
    int threads;             /* on a leader: announced threads besides itself */
    uint64_t args[6];
    struct tg_credentials caps; /* the capability sets, as of the last refresh */
};

/* What the monitor needs, prepared by the gate before fork(). */
struct tg_monitor_setup {
    enum tg_monitor_mode mode;  /* TG_MONITOR_PTRACE or TG_MONITOR_SECCOMP */
    const char *file;
    char *const *argv;
    char *const *envp;
    const struct tg_capture_config *config;
    const uint64_t *exit_syscalls;  /* ptrace: syscalls followed to their exit; NULL: all */
    const struct tg_verdict_config *verdicts; /* NULL: no record waits for the gate */
    struct sock_fprog filter;
    double grace_seconds;
    int out_fd;              /* records and messages to the gate */
    int control_fd;          /* control bytes from the gate */
    pid_t gate_pid;
};

/* Memory shared with the job's first process until it execs. */
struct tg_job_handoff {
    volatile int listener;     /* seccomp: the listener's fd number, shared by CLONE_FILES */
    volatile int setup_errno;  /* the filter could not be installed */
    volatile int exec_errno;   /* exec failed */
    volatile int no_new_privs; /* the filter needed no_new_privs */
    volatile int interruptible_waits; /* seccomp: no SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV here */
};

struct tg_monitor_state {
    const struct tg_monitor_setup *setup;
    pid_t self;
    pid_t main_pid;
    int main_ended;
    int main_status;
    int cancelled;
    int killing;
    int gate_gone;           /* the gate closed its pipes: kill the job, answer until it is gone */
    int job_killed;          /* the gate said kill (--kill-on): every process, the first included */
    int verdict_pending;     /* the record just finished awaits the gate's answer (tg_settle) */
    int64_t grace_deadline_ns;
    uint64_t stops;
    uint64_t records;
    int sync_wake_up;
    uint64_t task_reads;     /* reads of a task's memory or /proc files so far */
    struct tg_job_handoff *handoff;
};

extern struct tg_monitor_state tg_mon;

/* The monitor's entry point, in the forked child. Never returns. */
void tg_monitor_main(const struct tg_monitor_setup *setup) __attribute__((noreturn));

/* The two loops; each returns once the job has no process left. */
void tg_ptrace_loop(void);
void tg_seccomp_loop(int listener);

/* Memory mapped after the fork (no malloc in the monitor). */
void *tg_map(size_t size, int shared);
int tg_tasks_allocate(void);
int tg_records_allocate(void);

/* Task table. */
struct tg_task *tg_task_find(pid_t tid);
struct tg_task *tg_task_add(pid_t tid);
void tg_task_remove(pid_t tid);
/* Calls `visit` for every task; stops when it returns non-zero. */
void tg_task_each(int (*visit)(struct tg_task *task, void *context), void *context);

/* Ptrace exec paths read at entry: a small pool. A length of TG_STASH_UNREADABLE: the path
 * could not be read (an empty one is a valid execveat path). */
#define TG_STASH_UNREADABLE 0xFFFF
int tg_stash_take(void);
char *tg_stash_data(int index, uint16_t **length);
void tg_stash_release(int *index);

/* Records. */
int tg_wants(int nr);
/* ptrace: whether a stopped syscall must be followed to its exit (see tg_monitor_start). */
int tg_follows_exit(int nr);
struct tg_record *tg_record_begin(uint8_t kind, const struct tg_task *task);
/* Appends a payload, cut at TG_PAYLOAD_MAX bytes (TG_ARGV_MAX for TG_SLOT_ARGV); `truncated`
 * says the caller already cut it. A cut command line also sets TG_FLAG_ARGV_TRUNCATED. */
void tg_record_bytes(uint16_t slot, const void *data, size_t length, int truncated);
/* Overwrites the `mask` bits of the first 8 bytes of the record's payload for `slot` with
 * those of `value` (openat2's flags: see tg_record_open_how_flags). */
void tg_record_patch_word(uint16_t slot, uint64_t mask, uint64_t value);
/* The bytes of the record's payload for `slot`, and their length; NULL when it has none. */
char *tg_record_payload(uint16_t slot, size_t *length);
/* Overwrites `length` bytes at `offset` of the record's payload for `slot`, when it is that long. */
void tg_record_patch_bytes(uint16_t slot, size_t offset, const void *data, size_t length);
/* Room for one command line being assembled: TG_ARGV_MAX + 1 bytes, mapped at start. */
char *tg_argv_area(void);
/* Appends a NUL-terminated string read from `address` in `task`'s memory; returns its length or
 * -1 (then the slot stays absent and the record says a read failed). */
int tg_record_remote_string(const struct tg_task *task, uint16_t slot, uint64_t address);
/* Marks the record being built: a payload it should carry could not be read. */
void tg_record_failed_read(void);
/* The payloads `config` asks for; `at_entry` skips memory the kernel has not written yet. */
void tg_record_arguments(const struct tg_task *task, int nr, const uint64_t args[6], int at_entry);
/* Every record of a task whose capability sets are known carries them (TG_SLOT_CREDENTIALS,
 * appended by tg_record_finish); a fork record carries the new task's, set here. */
void tg_record_set_credentials(const struct tg_credentials *credentials);
void tg_record_finish(void);
/* A syscall record made at entry: arguments and their input memory (for an open, the file it
 * would open now), with `flags` and `ret` (TG_FLAG_RETURN_UNKNOWN and 0 for a call let run).
 * Returns 1, the record made a refused attempt on the gate (ret -EPERM, TG_FLAG_GATE_TARGET),
 * when the open would open one of the gate's or the monitor's /proc entries: the caller must
 * refuse the call with EPERM. */
int tg_record_at_entry(const struct tg_task *task, int nr, const uint64_t args[6], uint16_t flags, int64_t ret);
/* fd.name of opens (opened_path.c). Whether `nr` returns a new fd for a file it opened. */
int tg_is_open(int nr);
/* ptrace, at the exit of an open that returned `fd`: appends the opened file's name as
 * TG_SLOT_RESOLVED_PATH (nothing for a pipe, socket or anon inode). Returns 1 when that file
 * is one of the gate's or the monitor's /proc entries (tg_names_gate_entry). */
int tg_record_opened_path(pid_t tid, int fd);
/* proc.exepath as the kernel names an executable (`name`, `length` bytes: /proc/<pid>/exe's
 * target): `memfd:<name>` for an image executed from a memfd, as Falco has it. Appends it as
 * TG_SLOT_RESOLVED_PATH. */
void tg_record_executable_name(const char *name, size_t length);
/* openat2: the kernel copied open_how at the call's entry, and another thread may have rewritten
 * the user memory read at the exit since: the access mode, O_PATH, O_DIRECTORY and O_TMPFILE
 * bits of the record's copy are taken from the file opened (/proc/<tid>/fdinfo/<fd>). */
void tg_record_open_how_flags(pid_t tid, int fd);
/* seccomp, at the entry of an open: appends the name of the file it would open now (or, for
 * a file it creates, of its folder plus the new name). The job may change the file before
 * the kernel opens it: a coverage limit. Returns 1 as tg_record_opened_path does. */
int tg_record_entry_path(const struct tg_task *task, int nr, const uint64_t args[6]);

/* Whether a call the filter routed here aims at the gate or the monitor (their pids, threads,
 * process groups, or a pidfd of theirs): the monitor refuses it with EPERM. */
int tg_gate_target(const struct tg_task *task, int nr, const uint64_t args[6]);
/* Whether `path`, the resolved name of an opened file, is an entry of <pid>/ or
 * <pid>/task/<tid>/ of the gate or the monitor that reads or writes its memory or descriptors
 * (mem, maps, fd, ...: the way to take it over) on a procfs, wherever it is mounted (the file
 * system is asked of `file`, a path to it, or of `fd` when `file` is NULL, only for a name that
 * could be such an entry). GateTarget.swift's list, which makes findings, also has `environ`,
 * which `ps` opens for every process and which holds nothing the job's own environment does not. */
int tg_names_gate_entry(const char *path, const char *file, int fd);
/* Whether `nr` is one of the calls the filter may route here for that check (a cheap test). */
int tg_is_gate_routed(int nr);
/* Records a refused call aimed at the gate: ret -EPERM, TG_FLAG_GATE_TARGET. */
void tg_record_gate_attempt(const struct tg_task *task, int nr, const uint64_t args[6]);
/* Verdicts (--kill-on, --deny-on; tollgate_ptrace.h). Whether a record of `nr` holds its task,
 * and whether a call of `nr` is probed before it runs. */
int tg_holds(int nr);
int tg_probes(int nr);
/* When the record just finished awaits a verdict: sends it and waits for the gate's answer
 * (killing the job on TG_VERDICT_KILL, or when the gate is gone). TG_VERDICT_ALLOW otherwise. */
char tg_settle(void);
/* Sends a probe of a call about to run (an exec record for an exec, else a syscall record at
 * entry) and returns the gate's answer. */
char tg_probe(const struct tg_task *task, int nr, const uint64_t args[6]);
/* A probe's `verdict` other than TG_VERDICT_ALLOW: the error the call is refused with (EPERM
 * when the job is being killed), recording the call as denied when it was. */
int tg_refusal(const struct tg_task *task, int nr, const uint64_t args[6], char verdict);
/* seccomp: receives every notification waiting in the kernel, to answer later in order (a
 * received notification's task can no longer be interrupted by a signal with a handler); the
 * listener to wait on for more, or -1 outside the seccomp loop or while the queue is full. */
void tg_seccomp_receive_waiting(void);
int tg_seccomp_listener(void);
/* Kills every process of the job now, the first one included. */
void tg_kill_job(void);
/* seccomp, and ptrace probes: an exec about to be tried, recorded as an exec record with
 * `flags` when its target is an executable file (it will most likely succeed; a PATH
 * search's misses are not). Returns 1 when it recorded it (seccomp_notify.c). */
int tg_record_exec_at_entry(struct tg_task *task, int nr, const uint64_t args[6], uint16_t flags);

/* Output position, to drop records of a notification that turned out invalid. */
size_t tg_output_mark(void);
void tg_output_rewind(size_t mark);
void tg_output_flush(void);
void tg_message(uint8_t kind, pid_t pid, int64_t ret, const uint64_t *args, const char *text);

/* Reading the job: tg_reader_setup probes, on the job's first process `child` (forked from the
 * monitor, not yet exec'd), which method works (remote_memory.h); `traced`: the monitor is its
 * tracer (ptrace), so PTRACE_PEEKDATA may serve too. Reads fall back per read. */
void tg_reader_setup(pid_t child, int traced);
const struct tg_memory_reads *tg_reader_stats(void);
ssize_t tg_read_remote(const struct tg_task *task, uint64_t address, void *buffer, size_t length);
/* Reads a NUL-terminated string of at most `capacity` bytes: a short read first (most are
 * short, and copying 4 KiB, often two pages, per call was most of the monitor's reading
 * cost), the rest only when no NUL came. Returns bytes read or -1. */
ssize_t tg_read_remote_string(const struct tg_task *task, uint64_t address, char *buffer, size_t capacity);
/* Reads a file (e.g. /proc/<pid>/cmdline) into `buffer`; returns bytes read or -1. */
ssize_t tg_read_file(const char *path, char *buffer, size_t capacity);
struct tg_proc_facts {
    pid_t tgid, ppid;
    uint32_t uid, gid;     /* effective */
    uint32_t fsuid, fsgid;
    int threads;
    int caps_known;
    struct tg_credentials caps;
};
int tg_proc_status(pid_t tid, struct tg_proc_facts *facts);
/* Fills `task`'s uid, gid and capability sets from /proc. */
void tg_refresh_creds(struct tg_task *task);
/* An exec record's facts about the image `path` names (ptrace: /proc/<pid>/exe after the exec;
 * seccomp: the file resolved at the exec's entry) for task `tid`: its inode as
 * TG_SLOT_EXE_FILE, and the TG_EXEC_* layer flags and, when `credentials_after` (the task's
 * credentials are those the exec gave it), writability flags, which it returns
 * (exe_identity.c). */
uint64_t tg_record_exe_file(pid_t tid, const char *path, int credentials_after);
/* The path an exec record reports: the filename as the kernel names it (/dev/fd/N/... for execveat). */
size_t tg_exec_filename(int nr, const uint64_t args[6], const char *path, size_t path_length, char *out, size_t capacity);
int tg_is_exec(int nr);
int tg_is_setid(int nr);
/* set*id, capset, unshare and setns: the calls after which a task's credentials may differ. */
int tg_changes_creds(int nr);
int tg_is_exit(int nr);
/* "/proc/<pid><leaf>" into `buffer`, which it returns. */
char *tg_proc_path(char *buffer, size_t capacity, pid_t pid, const char *leaf);
/* Small formatting without stdio. */
char *tg_append(char *at, const char *end, const char *text);
char *tg_append_number(char *at, const char *end, long long value);

/* Lifecycle. */
pid_t tg_report_pid(pid_t pid);     /* the gate stands for the monitor */
void tg_emit_exit(struct tg_task *task, int status);
/* A task's exit is known: records it when announced, forgets it and re-parents its orphans. */
void tg_task_exited(pid_t tid, int status, int emit);
void tg_main_ended(int status);
/* Periodic work: flush, control bytes, grace period, killing. */
void tg_tick(void);
int64_t tg_now_ns(int clock);

#endif
