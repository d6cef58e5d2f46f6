/* tollgate's capture program.
 *
 * Emits one `struct tg_record` (tollgate_record.h) per completed syscall of the tracked
 * process tree, plus fork, exec and exit records, into the `events` ring buffer.
 *
 * Cost matters. Syscalls are seen at exit only (arguments are still in the saved user
 * registers there), through one of two hooks the loader picks (tollgate_bpf.h):
 * `on_syscall_exit` on the per-syscall tracepoints `syscalls:sys_exit_<name>` of the wanted
 * syscalls, so other syscalls run no BPF program; or `on_sys_exit` on the raw tracepoint, which
 * every syscall of the machine passes through. Both test the cheapest thing first (is this
 * syscall wanted: a bit in the config), then whether the task is tracked (a hash lookup),
 * and consumers are not woken per record.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "tollgate_record.h"
#include "tollgate_capture_config.h"
#include "kernel_types.h"
#include "resolved_path.h"
#include "socket_address.h"
#include "identity.h"

char LICENSE[] SEC("license") = "GPL";

#define PAYLOAD_MAX 4096          /* bytes copied per payload but argv; longer ones are truncated */
#define PAYLOAD_AREA 16384        /* payloads start below this offset (a power of two) */
#define MAX_PAYLOADS 3
/* An exec record: exe path, resolved path and environment (each at most PAYLOAD_MAX plus a
 * header) fit below PAYLOAD_AREA, and the command line, TG_ARGV_MAX bytes, comes last. */
#define SCRATCH_SIZE (sizeof(struct tg_record) + PAYLOAD_AREA + TG_ARGV_MAX + 64)
#define CLONE_THREAD 0x00010000

/* How add_payload copies. */
enum copy { COPY_USER_STRING, COPY_KERNEL_STRING, COPY_USER_BYTES, COPY_KERNEL_BYTES };

/* Set by user space before loading; the wanted syscalls may be rewritten after loading,
 * before attaching, so it is not read-only data. */
struct tg_capture_config config = {};

/* Thread-group ids of the job's process tree. */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 65536);
    __type(key, __u32);
    __type(value, __u8);
} tracked SEC(".maps");

/* The run's own cgroup (in the v2 hierarchy), put here by user space before the job starts:
 * containers an engine starts below it (`--cgroup-parent`) are no descendants of the job, and
 * are followed by cgroup instead. Empty: only descent counts. */
struct {
    __uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u32);
} run_cgroup SEC(".maps");

/* Thread ids of the gate: the loader adds those it has, on_fork those it creates later. */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 4096);
    __type(key, __u32);
    __type(value, __u8);
} gate_threads SEC(".maps");

/* Per CPU: [DROPS_RING] records lost because the ring buffer was full; [DROPS_COMPAT] 32-bit
 * (int 0x80) syscalls of the job, whose numbers are another table's: not decoded, so lost. */
#define DROPS_RING 0
#define DROPS_COMPAT 1
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} drops SEC(".maps");

/* Where a record is assembled before it is copied, at its real size, into the ring. */
struct scratch {
    struct tg_record record;
    __u8 payloads[SCRATCH_SIZE - sizeof(struct tg_record)];
};

/* One scratch per CPU, indexed by CPU number: a per-CPU array's values are capped at 32 KiB,
 * too small for a whole command line. The loader sets max_entries to the possible CPUs. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct scratch);
} scratch_space SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 16 << 20);
} events SEC(".maps");

static __always_inline int is_tracked(__u32 tgid)
{
    return bpf_map_lookup_elem(&tracked, &tgid) != NULL;
}

/* Whether the current task, of process `tgid`, is the job's: a descendant of it (tracked), or
 * running under the run's cgroup, in which case it is tracked from now on, like a job process
 * (its forks, exec and exit too), wherever it moves later. A global function: verified once,
 * apart from its callers, which see one scalar whichever way it was decided. */
__noinline int is_followed(__u32 tgid)
{
    if (bpf_map_lookup_elem(&tracked, &tgid))
        return 1;
    if (bpf_current_task_under_cgroup(&run_cgroup, 0) != 1)
        return 0;
    __u8 yes = 1;
    bpf_map_update_elem(&tracked, &tgid, &yes, BPF_ANY);
    return 1;
}

static __always_inline struct scratch *this_cpu_scratch(void)
{
    __u32 cpu = bpf_get_smp_processor_id();
    return bpf_map_lookup_elem(&scratch_space, &cpu);
}

static __always_inline struct scratch *begin(__u8 kind, struct task_struct___tg *task)
{
    struct scratch *s = this_cpu_scratch();
    if (!s)
        return NULL;
    struct tg_record *r = &s->record;
    __builtin_memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->syscall = -1;
    r->timestamp_ns = bpf_ktime_get_boot_ns();
    r->pid = BPF_CORE_READ(task, tgid);
    r->tid = BPF_CORE_READ(task, pid);
    r->ppid = BPF_CORE_READ(task, real_parent, tgid);
    /* euid and egid, side by side in the kernel's credentials as uid and gid are in the record:
     * one copy. */
    struct cred___tg *cred = BPF_CORE_READ(task, cred);
    bpf_core_read(&r->uid, sizeof(r->uid) + sizeof(r->gid), &cred->euid);
    return s;
}

/* Appends one payload at `pos` of `s`; returns the position after it. */
static __always_inline __u32 put_payload(struct scratch *s, __u32 pos, __u32 slot, const void *source, __u64 length,
                                         enum copy how)
{
    if (pos >= PAYLOAD_AREA) {
        /* No room left: drop the payload rather than wrap over earlier ones. */
        s->record.flags |= TG_FLAG_PAYLOAD_TRUNCATED;
        return pos;
    }
    barrier_var(pos); /* keep the mask: the verifier needs it where pos is used, after spills */
    pos &= PAYLOAD_AREA - 1;
    struct tg_payload *header = (struct tg_payload *)&s->payloads[pos];
    void *data = &s->payloads[pos + sizeof(struct tg_payload)];
    long copied;
    if (how == COPY_USER_STRING) {
        copied = bpf_probe_read_user_str(data, PAYLOAD_MAX, source);
        if (copied > 0)
            copied -= 1; /* the terminating NUL */
        if (copied == PAYLOAD_MAX - 1)
            s->record.flags |= TG_FLAG_PAYLOAD_TRUNCATED;
    } else if (how == COPY_KERNEL_STRING) {
        copied = bpf_probe_read_kernel_str(data, PAYLOAD_MAX, source);
        if (copied > 0)
            copied -= 1;
    } else {
        __u64 limit = slot == TG_SLOT_ARGV ? TG_ARGV_MAX : PAYLOAD_MAX;
        if (length > limit) {
            length = limit;
            s->record.flags |= TG_FLAG_PAYLOAD_TRUNCATED | (slot == TG_SLOT_ARGV ? TG_FLAG_ARGV_TRUNCATED : 0);
        }
        barrier_var(length);
        if (length > TG_ARGV_MAX)
            return pos;
        long failed = how == COPY_KERNEL_BYTES ? bpf_probe_read_kernel(data, length, source)
                                               : bpf_probe_read_user(data, length, source);
        copied = failed == 0 ? (long)length : -1;
    }
    if (copied < 0) {
        /* No payload: the slot stays absent, so the value is unknown rather than empty. */
        s->record.flags |= TG_FLAG_PAYLOAD_FAILED;
        return pos;
    }
    header->slot = (__u16)slot;
    header->reserved = 0;
    header->length = (__u32)copied;
    s->record.payload_count++;
    return pos + sizeof(struct tg_payload) + (((__u32)copied + 7) & ~7U);
}

/* add_payload, add_argument, add_call_facts, add_resolved_path and add_opened_path are
 * global functions: the verifier checks each once, apart from its callers, instead of once per
 * call site and per path through the calls before it (inlined, the six argument slots
 * multiplied into ~37,000 instructions processed and 70 ms of verification at every start).
 * Their arguments are scalars, so each looks this CPU's record up again (an inlined array
 * access). */

/* put_payload into this CPU's record, from the kernel or user address `source`. */
__noinline __u32 add_payload(__u32 pos, __u32 slot, __u64 source, __u64 length, __u32 how)
{
    struct scratch *s = this_cpu_scratch();
    return s ? put_payload(s, pos, slot, (const void *)source, length, how) : pos;
}

static __always_inline void submit(struct scratch *s, __u32 payload_bytes)
{
    __u64 size = sizeof(struct tg_record) + (__u64)payload_bytes;
    if (size > sizeof(struct scratch))
        size = sizeof(struct scratch);
    barrier_var(size);
    if (size > sizeof(struct scratch))
        return;
    s->record.size = (__u32)size;
    __s32 nr = s->record.syscall;
    int urgent = s->record.kind == TG_KIND_SYSCALL
                     ? nr >= 0 && nr < TG_MAX_SYSCALLS && (config.urgent_syscalls[(nr / 64) & 7] >> (nr % 64)) & 1
                     : (config.urgent_kinds >> (s->record.kind & 31)) & 1;
    __u64 flags = urgent || bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= config.wakeup_bytes ? BPF_RB_FORCE_WAKEUP
                                                                                          : BPF_RB_NO_WAKEUP;
    if (bpf_ringbuf_output(&events, s, size, flags) != 0) {
        __u32 slot = DROPS_RING;
        __u64 *lost = bpf_map_lookup_elem(&drops, &slot);
        if (lost)
            *lost += 1;
    }
}

/* Appends the memory argument `index` of kind `kind` points to; `next` is the argument after it. */
__noinline __u32 add_argument(__u32 pos, __u32 index, __u32 kind, __u64 pointer, __u64 next)
{
    struct scratch *s = this_cpu_scratch();
    if (!s || kind == TG_ARG_NONE || s->record.payload_count >= MAX_PAYLOADS || !pointer)
        return pos;
    __u64 length = 0;
    if ((kind == TG_ARG_SOCKADDR_LEN_NEXT || kind == TG_ARG_STRUCT_LEN_NEXT) && index < 5) {
        length = next;
    } else if (kind == TG_ARG_FD_PAIR) {
        length = 2 * sizeof(int);
    } else if (kind == TG_ARG_SOCKADDR_LEN_PTR_NEXT && index < 5) {
        int value = 0;
        bpf_probe_read_user(&value, sizeof(value), (const void *)next);
        length = value > 0 ? (__u64)value : 0;
    } else if (kind == TG_ARG_MESSAGE_NAME) {
        struct tg_message_name header = {};
        bpf_probe_read_user(&header, sizeof(header), (const void *)pointer);
        pointer = header.name;
        length = header.name_length;
        if (!pointer)
            return pos;
    }
    if (kind != TG_ARG_STRING && length > 128)
        length = 128; /* sizeof(struct sockaddr_storage) */
    return add_payload(pos, TG_SLOT_ARG0 + index, pointer, length,
                       kind == TG_ARG_STRING ? COPY_USER_STRING : COPY_USER_BYTES);
}

#if defined(__TARGET_ARCH_x86)
#define NR_SENDMMSG 307
#else
#define NR_SENDMMSG 269
#endif

/* A message's destination: the first 32 bytes of its msg_name, zero-padded, and its length. */
struct message_name {
    __u64 bytes[4];
    __u32 length;
    __u32 unused;
};

/* sendmmsg: the vector, and the first message's destination, to which the others are compared. */
struct message_names {
    __u64 vector;
    __u32 differ;
    __u32 unused;
    struct message_name first;
};

/* The destination of message `index` of a sendmmsg vector; 0, or -1 when unreadable. */
__noinline int read_message_name(__u64 vector, __u32 index, struct message_name *name)
{
    struct tg_message_name header = {};
    if (!name || bpf_probe_read_user(&header, sizeof(header), (const void *)(vector + (__u64)index * TG_MMSGHDR_SIZE)) != 0)
        return -1;
    __u32 bytes = header.name_length;
    if (bytes > sizeof(name->bytes))
        return -1;
    name->length = bytes;
    if (header.name && bytes && bpf_probe_read_user(name->bytes, bytes, (const void *)header.name) != 0)
        return -1;
    return 0;
}

/* A bpf_loop callback: whether message `index` + 1 goes where the first one does. */
static long compare_message(__u32 index, void *context)
{
    struct message_names *names = context;
    struct message_name name = {};
    if (read_message_name(names->vector, index + 1, &name) != 0 || name.length != names->first.length ||
        name.bytes[0] != names->first.bytes[0] || name.bytes[1] != names->first.bytes[1] ||
        name.bytes[2] != names->first.bytes[2] || name.bytes[3] != names->first.bytes[3]) {
        names->differ = 1;
        return 1;
    }
    return 0;
}

/* sendmmsg: 1 when the `sent` messages of `vector` do not all go to the first one's destination
 * (or cannot be read, or are more than the program compares): its record carries only the
 * first destination, so the payload is then unreadable and the run fails closed. */
__noinline int messages_go_elsewhere(__u64 vector, long sent)
{
    struct message_names names = {.vector = vector};
    if (sent <= 1)
        return 0;
    if (sent > TG_MMSG_CHECKED || read_message_name(vector, 0, &names.first) != 0)
        return 1;
    bpf_loop((__u32)sent - 1, compare_message, &names, 0);
    return names.differ;
}

/* Appends `task`'s capability sets at `pos` of `s` as TG_SLOT_CREDENTIALS, read in one copy
 * (the kernel keeps the three sets side by side); returns the position after them. Every
 * caller has room below PAYLOAD_AREA at `pos` (at most three payloads before it). */
static __always_inline __u32 put_credentials(struct scratch *s, __u32 pos, struct task_struct___tg *task)
{
    barrier_var(pos);
    pos &= PAYLOAD_AREA - 1;
    struct tg_payload *header = (struct tg_payload *)&s->payloads[pos];
    struct cred___tg *cred = BPF_CORE_READ(task, cred);
    if (bpf_core_read(header + 1, sizeof(struct tg_credentials), &cred->cap_inheritable) != 0) {
        s->record.flags |= TG_FLAG_PAYLOAD_FAILED;
        return pos;
    }
    header->slot = TG_SLOT_CREDENTIALS;
    header->reserved = 0;
    header->length = sizeof(struct tg_credentials);
    s->record.payload_count++;
    return pos + sizeof(*header) + sizeof(struct tg_credentials);
}

/* Appends what a completed call made known about its caller: after a call that may change
 * them, the caller's capability sets; or the local address of the socket a connect/accept made
 * known, as a TG_SLOT_RESOLVED_PATH payload holding a sockaddr (the record has no dedicated
 * slot). One function: the syscall-exit programs stay cheap to verify. */
__noinline __u32 add_call_facts(__u32 pos, long nr, long ret, __u64 first_argument)
{
    struct task_struct___tg *task = (struct task_struct___tg *)bpf_get_current_task();
    if (changes_credentials(nr)) {
        struct scratch *s = this_cpu_scratch();
        return s ? put_credentials(s, pos, task) : pos;
    }
    long fd = local_address_fd(nr, ret, first_argument);
    if (fd < 0)
        return pos;
    struct scratch *s = this_cpu_scratch();
    struct local_address address;
    __u32 length = read_local_address(task, fd, &address);
    if (!s || length == 0)
        return pos;
    return put_payload(s, pos, TG_SLOT_RESOLVED_PATH, &address, length, COPY_KERNEL_BYTES);
}

/* Appends `path` (a kernel `struct path *`) resolved against `root` (see resolve_path for
 * `bind_origin`) as TG_SLOT_RESOLVED_PATH;
 * nothing for a file no directory names (a pipe or memfd reopened through /proc). */
__noinline __u32 add_resolved_path(__u32 pos, __u64 path, __u64 root, __u32 bind_origin)
{
    long resolved = resolve_path(path, root, bind_origin);
    struct scratch *s = this_cpu_scratch();
    __u32 zero = 0;
    struct path_buffer *buffer = bpf_map_lookup_elem(&path_space, &zero);
    if (resolved < 0 || (resolved & PATH_DETACHED) || !s || !buffer)
        return pos;
    if (resolved & PATH_TRUNCATED) {
        /* A name cut short could be any file's (stacked mounts make it look like an allowed
         * one): it is left out, as unreadable, and the run fails closed on it. */
        s->record.flags |= TG_FLAG_PAYLOAD_FAILED;
        return pos;
    }
    buffer->usable = 1;
    __u32 offset = (__u32)resolved & (PATH_BUFFER - 1);
    return put_payload(s, pos, TG_SLOT_RESOLVED_PATH, &buffer->bytes[offset], PATH_BUFFER - offset, COPY_KERNEL_BYTES);
}

/* fd.name of an open: the file the fd returned by a successful open names, resolved from its
 * dentries (symlinks, "..", /proc/self/fd/N/..., bind mounts and file handles all end at the
 * file itself), against the task's root. */
__noinline __u32 add_opened_path(__u32 pos, long fd)
{
    __u32 zero = 0;
    struct path_buffer *buffer = bpf_map_lookup_elem(&path_space, &zero);
    if (buffer)
        buffer->usable = 0;
    struct task_struct___tg *task = (struct task_struct___tg *)bpf_get_current_task();
    struct file___tg *file = fd_file(task, fd);
    if (!file)
        return pos;
    struct fs_struct___tg *fs = BPF_CORE_READ(task, fs);
    return add_resolved_path(pos, (__u64)&file->f_path, (__u64)&fs->root, 1);
}

/* The access mode, O_PATH, O_DIRECTORY and O_TMPFILE bits of the file `fd` of the current
 * task, as the kernel opened it (struct file's f_flags keeps them). */
static __always_inline __u64 opened_flags_bits(long fd)
{
    struct file___tg *file = fd_file((struct task_struct___tg *)bpf_get_current_task(), fd);
    return file ? BPF_CORE_READ(file, f_flags) & OPENED_BITS : 0;
}

/* The bytes of this CPU's record's payload at `at`, when it is of `slot` and at least
 * `length` long; NULL otherwise. The fixes below rewrite what the record copied from user
 * memory at the call's exit, which another thread may have changed since the kernel's copy. */
static __always_inline void *payload_at(__u32 at, __u32 slot, __u32 length)
{
    struct scratch *s = this_cpu_scratch();
    if (!s || at >= PAYLOAD_AREA)
        return NULL;
    struct tg_payload *header = (struct tg_payload *)&s->payloads[at & (PAYLOAD_AREA - 1)];
    if (header->slot != slot || header->length < length)
        return NULL;
    return &s->payloads[(at + sizeof(struct tg_payload)) & (PAYLOAD_AREA - 1)];
}

/* connect's peer (the payload of argument 1 at `at`): from the socket the call connected. */
__noinline int correct_peer(__u32 at, long fd)
{
    struct local_address *peer = payload_at(at, TG_SLOT_ARG0 + 1, 8);
    if (peer)
        correct_connect_peer(peer, ((const struct tg_payload *)peer - 1)->length >= 24, fd);
    return 0;
}

/* openat2's flags (the payload of argument 2 at `at`): the bits the rules read
 * (evt.is_open_read/write, fd.typechar) from the file the call opened. */
__noinline int correct_open_how(__u32 at, long fd)
{
    __u64 *flags = payload_at(at, TG_SLOT_ARG0 + 2, 8);
    if (flags)
        *flags = (*flags & ~(__u64)OPENED_BITS) | opened_flags_bits(fd);
    return 0;
}

/* An exec record's facts about the image `file` (a kernel address) of `task`: its inode as
 * TG_SLOT_EXE_FILE, and whether the task may write it and its overlayfs layer in args[0]. */
__noinline __u32 add_exe_file(__u32 pos, __u64 task, __u64 file)
{
    struct scratch *s = this_cpu_scratch();
    if (!s)
        return pos;
    struct file___tg *image = (struct file___tg *)file;
    struct tg_exe_file exe = {};
    read_exe_file((struct task_struct___tg *)task, image, &exe);
    s->record.args[0] |= exe_writable((struct task_struct___tg *)task, BPF_CORE_READ(image, f_inode)) |
                         exe_layer(BPF_CORE_READ(image, f_path.dentry));
    return put_payload(s, pos, TG_SLOT_EXE_FILE, &exe, sizeof(exe), COPY_KERNEL_BYTES);
}

#include "kernel_kill.h"

/* Calls of the job aimed at the gate (config.aimed_syscalls, always wanted): this kernel lets
 * no BPF program refuse a call (no BPF LSM, fmod_ret or error injection here: see `tollgate
 * doctor`), so the call has run, but its caller is killed (SIGKILL, delivered as the call
 * returns to user space) and the record, flagged, makes the run fail. */
static __always_inline int is_gate_thread(long id)
{
    __u32 key = (__u32)id;
    return (int)id > 0 && ((int)id == config.gate_tgid || bpf_map_lookup_elem(&gate_threads, &key) != NULL);
}

#define PID_FS_MAGIC 0x50494446
#define PROC_SUPER_MAGIC 0x9fa0

/* The process (or thread) a procfs inode belongs to (its proc_inode's pid), or NULL. */
static __always_inline struct pid___tg *proc_inode_pid(struct inode___tg *inode)
{
    return BPF_CORE_READ((struct proc_inode___tg *)((char *)inode - bpf_core_field_offset(struct proc_inode___tg, vfs_inode)), pid);
}

/* The process (or thread) a pidfd of the current task refers to: a pidfs file (its inode holds the
 * struct pid), or an open /proc/<pid> directory, which pidfd_send_signal accepts too;
 * 0 for any other file. */
__noinline int pidfd_target(long fd)
{
    struct file___tg *file = fd_file((struct task_struct___tg *)bpf_get_current_task(), fd);
    if (!file)
        return 0;
    struct inode___tg *inode = BPF_CORE_READ(file, f_inode);
    unsigned long magic = BPF_CORE_READ(inode, i_sb, s_magic);
    struct pid___tg *pid = NULL;
    if (magic == PID_FS_MAGIC) {
        pid = BPF_CORE_READ(inode, i_private);
    } else if (magic == PROC_SUPER_MAGIC) {
        pid = proc_inode_pid(inode);
    }
    return pid ? BPF_CORE_READ(pid, numbers[0].nr) : 0;
}

/* Whether the file the current task opened at `fd` is an entry of a gate process's (or
 * thread's) /proc directory that reads or writes its memory or descriptors: mem, maps, smaps,
 * smaps_rollup, pagemap, auxv, syscall, stack, fd, fdinfo, map_files (tg_names_gate_entry's
 * list), compared as the two little-endian words of the NUL-padded name. */
__noinline int opens_gate_entry(long fd)
{
    struct file___tg *file = fd_file((struct task_struct___tg *)bpf_get_current_task(), fd);
    if (!file)
        return 0;
    struct inode___tg *inode = BPF_CORE_READ(file, f_inode);
    if (BPF_CORE_READ(inode, i_sb, s_magic) != PROC_SUPER_MAGIC)
        return 0;
    struct pid___tg *pid = proc_inode_pid(inode);
    if (!pid || !is_gate_thread(BPF_CORE_READ(pid, numbers[0].nr)))
        return 0;
    __u64 name[2] = {};
    bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(file, f_path.dentry, d_name.name));
    if (name[1] == 0x70756c6cULL) /* "smaps_rollup" */
        return name[0] == 0x6f725f7370616d73ULL;
    if (name[1] == 0x73ULL) /* "map_files" */
        return name[0] == 0x656c69665f70616dULL;
    return name[1] == 0 &&
           (name[0] == 0x6d656dULL /* mem */ ||
            name[0] == 0x7370616dULL /* maps */ || name[0] == 0x7370616d73ULL /* smaps */ ||
            name[0] == 0x70616d65676170ULL /* pagemap */ || name[0] == 0x76787561ULL /* auxv */ ||
            name[0] == 0x6c6c6163737973ULL /* syscall */ || name[0] == 0x6b63617473ULL /* stack */ ||
            name[0] == 0x6466ULL /* fd */ || name[0] == 0x6f666e696466ULL /* fdinfo */);
}

static __always_inline int process_group(struct task_struct___tg *task)
{
    struct signal_struct___tg *signal = BPF_CORE_READ(task, signal);
    struct pid___tg *group = BPF_CORE_READ(signal, pids[PIDTYPE_PGID___tg]);
    return BPF_CORE_READ(group, numbers[0].nr);
}

static __always_inline int aims_at_gate(long nr, const __u64 *args, struct task_struct___tg *task)
{
    int first = (int)args[0];
    __u32 how = nr >= 0 && nr < TG_MAX_SYSCALLS ? config.aimed_how[nr & (TG_MAX_SYSCALLS - 1)] : TG_AIM_NONE;
    if ((how == TG_AIM_KILL || how == TG_AIM_SIGNAL_ARG1 || how == TG_AIM_PIDFD_SIGNAL) && (int)args[1] == 0)
        return 0; /* signal 0 only asks whether the process exists */
    if (how == TG_AIM_SIGNAL_ARG2 && (int)args[2] == 0)
        return 0;
    if (how == TG_AIM_PTRACE)
        return args[0] != 0 /* PTRACE_TRACEME */ && is_gate_thread((int)args[1]);
    if (how == TG_AIM_ARG0 || how == TG_AIM_SIGNAL_ARG1 || how == TG_AIM_SIGNAL_ARG2)
        return is_gate_thread(first);
    if (how == TG_AIM_PIDFD || how == TG_AIM_PIDFD_SIGNAL)
        return is_gate_thread(pidfd_target(first));
    if (how != TG_AIM_KILL)
        return 0;
    if (first == -1)
        return 1; /* kill(-1): every process the caller may signal */
    int group = first == 0 ? process_group(task) : -first;
    return first > 0 ? is_gate_thread(first) : group > 0 && group == config.gate_pgid;
}

/* --kill-on: set once the program has killed a caller itself; every tracked task is then killed
 * at its next syscall's exit, before the gate has caught up. */
__u32 condemned = 0;

#if defined(__TARGET_ARCH_x86)
#define TS_COMPAT 0x0002
/* A 32-bit syscall (int 0x80 on x86_64): its number is the ia32 table's. */
static __always_inline int in_compat_syscall(void)
{
    struct task_struct___tg *task = (struct task_struct___tg *)bpf_get_current_task_btf();
    return bpf_core_field_exists(task->thread_info.status) && (task->thread_info.status & TS_COMPAT);
}
#else
static __always_inline int in_compat_syscall(void)
{
    return 0;
}
#endif

/* A tracked task's 32-bit syscall: counted as lost (the run fails closed); under --kill-on
 * the task is killed, since no rule can be decided on it. */
static __noinline int lose_compat_syscall(void)
{
    if (!is_followed((__u32)(bpf_get_current_pid_tgid() >> 32)))
        return 0;
    __u32 slot = DROPS_COMPAT;
    __u64 *lost = bpf_map_lookup_elem(&drops, &slot);
    if (lost)
        *lost += 1;
    if (config.kill.enforcing)
        bpf_send_signal(9 /* SIGKILL */);
    return 0;
}

/* Ships one completed syscall `nr` of the current task whose user registers are `regs`. */
static __always_inline int capture_syscall(long nr, long ret, struct pt_regs___tg *regs)
{
    if (condemned && is_tracked((__u32)(bpf_get_current_pid_tgid() >> 32))) {
        bpf_send_signal(9 /* SIGKILL */);
        return 0;
    }
    if (in_compat_syscall())
        return lose_compat_syscall();
    if (nr < 0 || nr >= TG_MAX_SYSCALLS || !(config.wanted_syscalls[nr / 64] & (1ULL << (nr % 64))))
        return 0;
    if (ret < 0 && ret >= -4095 && (config.success_only_syscalls[nr / 64] & (1ULL << (nr % 64))) &&
        config.aimed_how[nr & (TG_MAX_SYSCALLS - 1)] == TG_AIM_NONE)
        return 0;
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (!is_followed((__u32)(pid_tgid >> 32)))
        return 0;

    struct task_struct___tg *task = (struct task_struct___tg *)bpf_get_current_task();
    struct scratch *s = begin(TG_KIND_SYSCALL, task);
    if (!s)
        return 0;
    s->record.syscall = (__s32)nr;
    s->record.ret = ret;
    __u64 args[6];
    SYSCALL_ARGS(regs, args);
    if (aims_at_gate(nr, args, task)) {
        bpf_send_signal(9 /* SIGKILL */);
        s->record.flags |= TG_FLAG_GATE_TARGET;
    }
    __u32 pos = 0, how = PAYLOAD_AREA, peer = PAYLOAD_AREA;
#pragma unroll
    for (int i = 0; i < 6; i++) {
        s->record.args[i] = args[i];
        if (i == 1)
            peer = pos;
        if (i == 2)
            how = pos;
        pos = add_argument(pos, i, config.arg_kinds[nr][i], args[i], i < 5 ? args[i + 1] : 0);
    }
    if (nr == NR_OPENAT2 && ret >= 0)
        correct_open_how(how, ret);
    if (nr == NR_CONNECT && (ret == 0 || ret == -115 /* EINPROGRESS */))
        correct_peer(peer, (int)args[0]);
    if (nr == NR_SENDMMSG && messages_go_elsewhere(args[1], ret))
        s->record.flags |= TG_FLAG_PAYLOAD_FAILED;
    pos = add_call_facts(pos, nr, ret, args[0]);
    if (ret >= 0 && is_open(nr)) {
        pos = add_opened_path(pos, ret);
        if (opens_gate_entry(ret)) {
            /* Dead before it returns to use the fd (a thread sharing it is a listed limit). */
            bpf_send_signal(9 /* SIGKILL */);
            s->record.flags |= TG_FLAG_GATE_TARGET;
        }
        if (config.kill.clause_count && kill_in_kernel(nr, args[1], args[2], ret)) {
            bpf_send_signal(9 /* SIGKILL */);
            condemned = 1;
            s->record.flags |= TG_FLAG_KILLED_IN_KERNEL;
        }
    }
    submit(s, pos);
    return 0;
}

/* The raw tracepoint: every syscall of the machine. */
SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs___tg *regs, long ret)
{
    return capture_syscall(SYSCALL_NR(regs), ret, regs);
}

/* The per-syscall tracepoints, attached by the loader to each wanted syscall's
 * `syscalls:sys_exit_<name>` (their common format: tracefs events/syscalls/.../format). */
struct syscall_exit_context {
    __u64 common;
    int nr;
    long ret;
};

SEC("tracepoint")
int on_syscall_exit(struct syscall_exit_context *context)
{
    struct pt_regs___tg *regs = (struct pt_regs___tg *)bpf_task_pt_regs(bpf_get_current_task_btf());
    return capture_syscall(context->nr, context->ret, regs);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct___tg *parent, struct task_struct___tg *child)
{
    __u32 parent_tgid = BPF_CORE_READ(parent, tgid);
    __u32 child_tgid = BPF_CORE_READ(child, tgid);
    if (parent_tgid == (__u32)config.gate_tgid && child_tgid == parent_tgid) {
        __u32 tid = BPF_CORE_READ(child, pid);
        __u8 yes = 1;
        bpf_map_update_elem(&gate_threads, &tid, &yes, BPF_ANY);
        return 0;
    }
    /* The parent is the current task here. */
    if (!is_followed(parent_tgid))
        return 0;
    __u8 yes = 1;
    bpf_map_update_elem(&tracked, &child_tgid, &yes, BPF_ANY);

    struct scratch *s = begin(TG_KIND_FORK, parent);
    if (!s)
        return 0;
    s->record.ret = BPF_CORE_READ(child, pid);
    s->record.args[0] = child_tgid == parent_tgid ? CLONE_THREAD : 0;
    s->record.args[1] = child_tgid;
    submit(s, put_credentials(s, 0, child)); /* the child's own sets */
    return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct___tg *task, int old_pid, struct linux_binprm___tg *binprm)
{
    /* An engine's runtime joins the run's cgroup, then execs the container's program. */
    if (!is_followed(BPF_CORE_READ(task, tgid)))
        return 0;
    struct scratch *s = begin(TG_KIND_EXEC, task);
    if (!s)
        return 0;
    s->record.args[1] = (__u64)old_pid;
    /* An image executed from a memfd has a dentry named "memfd:<name>". */
    const unsigned char *dentry_name = BPF_CORE_READ(binprm, file, f_path.dentry, d_name.name);
    char prefix[6] = {};
    bpf_probe_read_kernel(prefix, sizeof(prefix), dentry_name);
    if (prefix[0] == 'm' && prefix[1] == 'e' && prefix[2] == 'm' && prefix[3] == 'f' && prefix[4] == 'd' &&
        prefix[5] == ':')
        s->record.args[0] |= TG_EXEC_FROM_MEMFD;

    __u32 pos = add_payload(0, TG_SLOT_EXE_PATH, (__u64)BPF_CORE_READ(binprm, filename), 0, COPY_KERNEL_STRING);
    /* proc.exepath: the file the kernel runs, symlinks resolved; `memfd:NAME` for a memfd. */
    if (s->record.args[0] & TG_EXEC_FROM_MEMFD) {
        pos = add_payload(pos, TG_SLOT_RESOLVED_PATH, (__u64)dentry_name, 0, COPY_KERNEL_STRING);
    } else {
        struct file___tg *file = BPF_CORE_READ(binprm, file);
        struct fs_struct___tg *fs = BPF_CORE_READ(task, fs);
        pos = add_resolved_path(pos, (__u64)&file->f_path, (__u64)&fs->root, 0);
    }
    pos = put_credentials(s, pos, task);
    /* The current task is `task`, as a plain address (a global function takes no BTF pointer). */
    pos = add_exe_file(pos, bpf_get_current_task(), (__u64)BPF_CORE_READ(binprm, file));
    /* container.id: engines name a container's cgroup after it. */
    pos = add_payload(pos, TG_SLOT_CGROUP, (__u64)BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, name), 0, COPY_KERNEL_STRING);
    /* The environment before the command line: only the last payload may pass PAYLOAD_AREA. */
    struct mm_struct___tg *mm = BPF_CORE_READ(task, mm);
    unsigned long start = BPF_CORE_READ(mm, env_start), end = BPF_CORE_READ(mm, env_end);
    pos = add_payload(pos, TG_SLOT_ENV, start, end > start ? end - start : 0, COPY_USER_BYTES);
    start = BPF_CORE_READ(mm, arg_start);
    end = BPF_CORE_READ(mm, arg_end);
    pos = add_payload(pos, TG_SLOT_ARGV, start, end > start ? end - start : 0, COPY_USER_BYTES);
    submit(s, pos);
    return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct___tg *task)
{
    __u32 tgid = BPF_CORE_READ(task, tgid);
    if (!is_tracked(tgid))
        return 0;
    int group_dead = BPF_CORE_READ(task, signal, live.counter) == 0;
    int leader = BPF_CORE_READ(task, pid) == (int)tgid;
    struct scratch *s = begin(TG_KIND_EXIT, task);
    if (s) {
        s->record.ret = BPF_CORE_READ(task, exit_code);
        if (leader && !group_dead)
            s->record.args[0] = TG_EXIT_THREADS_REMAIN;
        else if (!leader && group_dead)
            s->record.args[0] = TG_EXIT_LAST_THREAD;
        submit(s, 0);
    }
    /* The last thread's exit ends the process for tracking (its pid may be reused then), not
     * the leader's: a leader that calls exit alone leaves its other threads running, and they
     * stay tracked. `signal->live` counts the group's threads not yet exiting; it is already
     * decremented for this one. */
    if (group_dead)
        bpf_map_delete_elem(&tracked, &tgid);
    return 0;
}

