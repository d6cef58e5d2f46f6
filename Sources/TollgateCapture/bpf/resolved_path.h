/* The path of a `struct path` as seen from a root, assembled in the kernel like d_path():
 * dentry names up the d_parent chain, crossing into the parent mount at each mount root.
 * With `bind_origin` (opens), unlike d_path(), a file reached through a bind mount of a
 * subtree is named by where it lies in its filesystem: at such a mount's root the walk goes on
 * up the dentries, from the parent mount, so binding ~/.ssh elsewhere does not rename the key.
 * Without it (exec: proc.exepath, as /proc/<pid>/exe names it) the mount point names it.
 *
 * Included by tollgate.bpf.c only; needs kernel_types.h and the CO-RE helpers first.
 */
#ifndef TOLLGATE_RESOLVED_PATH_H
#define TOLLGATE_RESOLVED_PATH_H

#define PATH_BUFFER 4096          /* the path ends here; components are prepended before it */
#define PATH_NAME_MAX 255         /* longest component copied (NAME_MAX) */
#define PATH_MAX_STEPS 512        /* components plus mount crossings walked before giving up: a
                                   * name cut short is never used (stacked mounts can force it) */

/* Per-CPU room for one path; the slack after PATH_BUFFER lets a bounded read land anywhere. */
struct path_buffer {
    __u32 offset;
    __u32 usable; /* add_resolved_path: the path from offset on names the file, whole */
    char bytes[PATH_BUFFER + PATH_NAME_MAX + 1];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct path_buffer);
} path_space SEC(".maps");

#define PATH_TRUNCATED (1L << 32) /* resolve_path's result: the walk stopped before the root */
#define PATH_DETACHED (1L << 33)  /* resolve_path's result: a pseudo file (pipe, memfd, anon inode) */

#if defined(__TARGET_ARCH_x86)
#define NR_OPEN 2
#define NR_CREAT 85
#define NR_OPENAT 257
#define NR_OPEN_BY_HANDLE_AT 304
#else
#define NR_OPEN -1 /* arm64 has only the *at forms */
#define NR_CREAT -1
#define NR_OPENAT 56
#define NR_OPEN_BY_HANDLE_AT 265
#endif
#define NR_OPENAT2 437

/* Open flags the capture reads (native values). */
#if defined(__TARGET_ARCH_x86)
#define OPEN_DIRECTORY 0200000
#else
#define OPEN_DIRECTORY 040000
#endif
#define OPEN_PATH 010000000
#define OPEN_TMPFILE_BIT 020000000 /* O_TMPFILE is this bit with O_DIRECTORY */
/* The bits a struct file's f_flags keeps as the open asked for them. */
#define OPENED_BITS (3 /* O_ACCMODE */ | OPEN_PATH | OPEN_DIRECTORY | OPEN_TMPFILE_BIT)

/* Whether syscall `nr` returns a new fd for a file it opened (fd.name comes from that file). */
static __always_inline int is_open(long nr)
{
    return nr == NR_OPENAT || nr == NR_OPEN || nr == NR_OPENAT2 || nr == NR_CREAT || nr == NR_OPEN_BY_HANDLE_AT;
}

/* The open file at `fd` of `task`, or NULL. */
static __always_inline struct file___tg *fd_file(struct task_struct___tg *task, long fd)
{
    struct fdtable___tg *table = BPF_CORE_READ(task, files, fdt);
    if (!table || fd < 0 || fd >= BPF_CORE_READ(table, max_fds))
        return NULL;
    struct file___tg *file = NULL;
    struct file___tg **slots = BPF_CORE_READ(table, fd);
    bpf_probe_read_kernel(&file, sizeof(file), &slots[fd]);
    return file;
}

static __always_inline struct mount___tg *real_mount(struct vfsmount___tg *vfsmount)
{
    return (struct mount___tg *)((char *)vfsmount - bpf_core_field_offset(struct mount___tg, mnt));
}

/* Where the walk is: the dentry and mount it stands on, and the root it stops at. */
struct path_walk {
    struct dentry___tg *dentry;
    struct vfsmount___tg *vfsmount;
    struct mount___tg *mount;
    struct dentry___tg *mount_root;
    struct dentry___tg *root_dentry;
    struct vfsmount___tg *root_mount;
    int reached_root;
    int detached;
    int bind_origin;    /* name a file below a bind-mounted subtree by its place in its filesystem */
};

/* One step of the walk, a bpf_loop callback: prepends the current dentry's name, or crosses
 * into the parent mount at a mount's root. Returns 1 to stop. */
static long path_step(__u32 index, struct path_walk *walk)
{
    __u32 zero = 0;
    struct path_buffer *buffer = bpf_map_lookup_elem(&path_space, &zero);
    if (!buffer)
        return 1;
    struct dentry___tg *dentry = walk->dentry;
    if (dentry == walk->root_dentry && walk->vfsmount == walk->root_mount) {
        walk->reached_root = 1;
        return 1;
    }
    struct dentry___tg *parent_dentry = BPF_CORE_READ(dentry, d_parent);
    if (dentry == walk->mount_root) {
        /* At a mount's root: continue in its parent mount, from where it is mounted or, for
         * a bind mount of a subtree (its root has a parent) with bind_origin, from the dentry
         * itself. */
        struct mount___tg *mount = walk->mount;
        struct mount___tg *parent = BPF_CORE_READ(mount, mnt_parent);
        if (parent == mount) {
            /* A mount with no parent: the namespace's root (the file is outside `root`: named
             * from there, like d_path), or a detached one (open_tree, fsmount) whose root is a
             * folder of its filesystem: with bind_origin, named by its place in that
             * filesystem, as a bind mount is. */
            if (walk->bind_origin && parent_dentry != dentry) {
                walk->mount_root = NULL;
                return 0;
            }
            walk->reached_root = 1;
            return 1;
        }
        struct vfsmount___tg *vfsmount =
            (struct vfsmount___tg *)((char *)parent + bpf_core_field_offset(struct mount___tg, mnt));
        if (parent_dentry == dentry || !walk->bind_origin)
            walk->dentry = BPF_CORE_READ(mount, mnt_mountpoint);
        walk->mount = parent;
        walk->vfsmount = vfsmount;
        walk->mount_root = BPF_CORE_READ(vfsmount, mnt_root);
        return 0;
    }
    if (parent_dentry == dentry) {
        /* A filesystem root that is not this mount's: a pseudo file (pipe, memfd, anon inode),
         * or the top of a bind-mounted subtree whose filesystem the parent mount is not. */
        walk->reached_root = 1;
        walk->detached = buffer->offset >= PATH_BUFFER;
        return 1;
    }
    struct qstr___tg name;
    bpf_core_read(&name, sizeof(name), &dentry->d_name);
    __u64 length = name.len;
    if (length > PATH_NAME_MAX)
        length = PATH_NAME_MAX;
    barrier_var(length);
    __u32 offset = buffer->offset;
    if (length > PATH_NAME_MAX || offset > PATH_BUFFER || offset < length + 1)
        return 1;
    offset -= length;
    offset &= PATH_BUFFER - 1;
    bpf_probe_read_kernel(&buffer->bytes[offset], length, name.name);
    offset -= 1;
    offset &= PATH_BUFFER - 1;
    buffer->bytes[offset] = '/';
    buffer->offset = offset;
    walk->dentry = parent_dentry;
    return 0;
}

/* Resolves `path` against `root` (both kernel pointers) into this CPU's `path_space`, where
 * the path is `bytes[offset..PATH_BUFFER)`. Returns the offset, with PATH_TRUNCATED set when the
 * walk stopped before the root and PATH_DETACHED when the file has no name in any directory
 * (its "path" would be "/"), or -1 without a buffer.
 *
 * The steps run under bpf_loop where the kernel has it, so the verifier checks one step
 * rather than each iteration of a bounded loop (which cost ~9 ms of every start here). A
 * global function: checked once, apart from its caller. */
__noinline long resolve_path(__u64 path_address, __u64 root_address, __u32 bind_origin)
{
    struct path___tg *path = (struct path___tg *)path_address;
    struct path___tg *root = (struct path___tg *)root_address;
    __u32 zero = 0;
    struct path_buffer *buffer = bpf_map_lookup_elem(&path_space, &zero);
    if (!buffer)
        return -1;
    struct vfsmount___tg *vfsmount = BPF_CORE_READ(path, mnt);
    struct path_walk walk = {
        .dentry = BPF_CORE_READ(path, dentry),
        .vfsmount = vfsmount,
        .mount = real_mount(vfsmount),
        .mount_root = BPF_CORE_READ(vfsmount, mnt_root),
        .root_dentry = BPF_CORE_READ(root, dentry),
        .root_mount = BPF_CORE_READ(root, mnt),
        .bind_origin = bind_origin != 0,
    };
    buffer->offset = PATH_BUFFER;
    if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_loop)) {
        bpf_loop(PATH_MAX_STEPS, path_step, &walk, 0);
    } else {
        /* Kernels before 5.17 have no bpf_loop: a bounded loop, ~10 times slower to verify
         * (10,562 instructions processed against 1,047 here). */
#pragma clang loop unroll(disable)
        for (__u32 step = 0; step < PATH_MAX_STEPS; step++)
            if (path_step(step, &walk))
                break;
    }

    __u32 offset = buffer->offset;
    if (offset >= PATH_BUFFER) {
        offset = PATH_BUFFER - 1; /* the root itself */
        buffer->bytes[offset] = '/';
    }
    return (long)offset | (walk.reached_root ? 0 : PATH_TRUNCATED) | (walk.detached ? PATH_DETACHED : 0);
}

#endif
