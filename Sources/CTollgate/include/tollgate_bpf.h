/* libbpf glue: load the embedded capture program, track a process tree, drain records. */
#ifndef TOLLGATE_BPF_H
#define TOLLGATE_BPF_H

#include <stddef.h>
#include <stdint.h>
#include "tollgate_capture_config.h"

/* Receives one record (a struct tg_record and its payloads). Return 0 to go on. */
typedef int (*tg_record_handler)(void *context, const void *record, size_t size);

/* A loaded and attached capture program with its ring buffer consumer. */
struct tg_capture;

/* How an object's syscall-exit program is attached: its `tp_btf/sys_exit` program on the raw
 * tracepoint, or its `tracepoint` program on `syscalls:sys_exit_<name>` of each wanted syscall
 * (measured here: the raw tracepoint adds ~110 ns to every syscall of the machine, the
 * per-syscall ones ~50 ns, the part the kernel's syscall tracing costs before any program).
 * fentry/fexit would cost less but this kernel refuses every trampoline program (EPERM),
 * and kprobe.multi needs CONFIG_FPROBE. */
enum tg_hook_mode {
    TG_HOOKS_AUTO = 0,           /* per-syscall when they cover the syscalls and attach, else raw */
    TG_HOOKS_RAW_TRACEPOINT = 1, /* raw_syscalls:sys_exit */
    TG_HOOKS_PER_SYSCALL = 2,    /* syscalls:sys_exit_<name>; no fallback */
};

/* What a caller asks of the syscall-exit hook and learns about it. */
struct tg_hooks {
    int mode;                     /* in: an enum tg_hook_mode; out: the mode used */
    const char *const *syscalls;  /* in: wanted syscalls' tracepoint names (`openat`), NULL-ended */
    char untraced[1024];          /* out: per-syscall mode's wanted names without an exit tracepoint */
    char fallback[256];           /* out: why AUTO used the raw tracepoint, or empty */
};

/* Picks the syscall-exit hook `hooks` asks for, without loading anything: AUTO takes the
 * per-syscall tracepoints when every wanted syscall has one (a missing one, e.g. a syscall this
 * kernel does not build, would go unseen), else the raw tracepoint, saying why in
 * `hooks->fallback`. TG_HOOKS_PER_SYSCALL takes them regardless and lists the syscalls without
 * one in `hooks->untraced`. Mounts tracefs on /sys/kernel/tracing when it is missing (libbpf
 * reads the events' ids there), as systemd does at boot. Returns the mode or -errno. */
int tg_choose_hooks(struct tg_hooks *hooks);

/* Opens `object` (an ELF BPF object in memory), writes `config` (unless NULL) into its
 * read-only data, loads it (verifier included), attaches its programs (the syscall-exit one as
 * `hooks` says; NULL means the raw tracepoint) and, when it has an `events` ring buffer, sets
 * up the consumer that hands records to `handler`. On failure returns NULL, sets errno and
 * writes a description into `error`. */
struct tg_capture *tg_capture_open(const void *object, size_t size, const struct tg_capture_config *config,
                                   struct tg_hooks *hooks, tg_record_handler handler, void *context, char *error,
                                   size_t error_size);

/* The two halves of tg_capture_open, so that loading (the kernel's verifier, libbpf's BTF
 * work: most of a start-up) can run while the rules compile. tg_capture_load opens and loads
 * `object` with `config` (its wanted syscalls may still be empty) and the syscall-exit
 * programs `mode` (an enum tg_hook_mode) may attach: AUTO loads both, and only the raw
 * tracepoint's when the other fails to load. NULL with errno and `error` on failure. */
struct tg_capture *tg_capture_load(const void *object, size_t size, const struct tg_capture_config *config, int mode,
                                   char *error, size_t error_size);

/* Writes `wanted_syscalls` (TG_MAX_SYSCALLS bits; NULL keeps the loaded ones; the calls that
 * may aim at the gate are always added) and with them
 * `success_only_syscalls` (whose failed calls are left out; NULL: none) and `urgent_syscalls`
 * and `urgent_kinds` (records that wake the consumer at once; NULL, 0: none) and `kill` (what the
 * program kills for itself at an open's exit, --kill-on; NULL: nothing) into the loaded
 * program, chooses and attaches the hooks as tg_choose_hooks and `hooks` say (falling back to
 * the raw tracepoint in AUTO when the per-syscall ones fail), and sets up the ring buffer's
 * consumer. Then freezes every map but `tracked`, `run_cgroup` and the ring buffer for bpf(2)
 * from user space.
 * Returns 0, or -errno with `error` written and nothing attached. */
int tg_capture_attach(struct tg_capture *capture, const uint64_t *wanted_syscalls, const uint64_t *success_only_syscalls,
                      const uint64_t *urgent_syscalls, uint32_t urgent_kinds, const struct tg_kill_table *kill,
                      struct tg_hooks *hooks, tg_record_handler handler, void *context, char *error, size_t error_size);

/* Adds a thread-group id to the tracked tree; its descendants are added by the kernel as
 * they are forked. Then freezes the map for bpf(2) from user space (the program still adds
 * and removes), so a root job cannot delete itself: call once. Returns 0 or -errno. */
int tg_capture_track(struct tg_capture *capture, int tgid);

/* Follows the processes of the cgroup (v2) open at `cgroup_fd` as the job's: the program tracks
 * every process it sees running under it. Then freezes the program's `run_cgroup` map for
 * bpf(2) from user space, so a root job cannot point it elsewhere: call once, before the job
 * starts. Returns 0 or -errno (-ENOENT: the program has no such map). */
int tg_capture_follow_cgroup(struct tg_capture *capture, int cgroup_fd);

/* Waits up to `timeout_ms` for a wake-up of the ring buffer or for one of the `wake_count`
 * descriptors `wake_fds` to become readable (the program does not wake the consumer per
 * record, so the end of the job is told by the caller's descriptors), then drains every
 * record waiting in the ring buffer. Returns the number of records handled or -errno. */
int tg_capture_poll(struct tg_capture *capture, int timeout_ms, const int *wake_fds, int wake_count);

/* The most descriptors tg_capture_poll watches beside the ring buffer; more are ignored. */
#define TG_CAPTURE_WAKE_FDS_MAX 4

/* Records the kernel could not deliver because the ring buffer was full. */
uint64_t tg_capture_drops(const struct tg_capture *capture);

/* 32-bit (int 0x80) syscalls of the job: their numbers are another table's, so the program
 * records none of them (it counts them, and under --kill-on kills the caller). */
uint64_t tg_capture_compat_syscalls(const struct tg_capture *capture);

/* Detaches and frees everything. NULL is fine. */
void tg_capture_close(struct tg_capture *capture);

/* How far a BPF probe got; each step's errno is 0 when it succeeded. */
struct tg_bpf_probe_result {
    int load_errno;       /* opening and loading the object (verifier included) */
    int attach_errno;     /* attaching its programs */
    int ringbuf_errno;    /* receiving a record through the ring buffer */
    uint64_t records;     /* records received for the probing process */
    char message[512];    /* what failed, with libbpf's last diagnostic line */
    struct tg_hooks hooks; /* the hook mode AUTO chose, and why it fell back if it did */
};

/* Loads `object` with getppid() as the only captured syscall and the probing process as the
 * tracked tree, hooks chosen as `mode` (an enum tg_hook_mode) asks, makes a few getppid()
 * calls and counts the records that arrive. Everything it created is destroyed before it
 * returns. */
void tg_bpf_probe(const void *object, size_t size, int mode, struct tg_bpf_probe_result *result);

#endif
