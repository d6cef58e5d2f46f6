/* The task's credentials and its executable's identity, for the capture program: which calls
 * change credentials, and what an exec record says about the image (struct tg_exe_file and the
 * TG_EXEC_* flags). Included by tollgate.bpf.c after its payload helpers. */
#ifndef TOLLGATE_IDENTITY_H
#define TOLLGATE_IDENTITY_H

#include "kernel_types.h"

/* The calls after which a task's capability sets may differ: set*id (which drop or restore
 * them), capset, and unshare/setns into a user namespace. Only the task itself changes its
 * credentials, by these calls, by exec, or as a new task of clone (the fork record's). */
#if defined(__TARGET_ARCH_x86)
#define SETID_FIRST 105 /* setuid 105, setgid 106, setreuid 113, setregid 114, setresuid 117, */
#define SETID_MASK 0x265303ULL /* setresgid 119, setfsuid 122, setfsgid 123, capset 126 */
#define NR_UNSHARE 272
#define NR_SETNS 308
#else
#define SETID_FIRST 143 /* setregid 143, setgid 144, setreuid 145, setuid 146, setresuid 147, */
#define SETID_MASK 0x35FULL /* setresgid 149, setfsuid 151, setfsgid 152 */
#define NR_CAPSET 91
#define NR_UNSHARE 97
#define NR_SETNS 268
#endif

static __always_inline int changes_credentials(long nr)
{
    __u64 bit = (__u64)(nr - SETID_FIRST);
#ifdef NR_CAPSET
    if (nr == NR_CAPSET)
        return 1;
#endif
    return (bit < 32 && ((SETID_MASK >> bit) & 1)) || nr == NR_UNSHARE || nr == NR_SETNS;
}

#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#define SB_RDONLY 1
#define S_IMMUTABLE 8
#define CAP_DAC_OVERRIDE 1
#define CAP_FOWNER 3
#define GROUP_SEARCH_STEPS 16 /* log2(NGROUPS_MAX) */

/* A binary search of a credential's supplementary groups (kept sorted by the kernel). */
struct group_search {
    __u64 gids; /* address of the first kgid_t */
    __u32 left, right, gid, found;
};

/* A bpf_loop callback (verified once, not once per step): one step of the search. */
static long group_search_step(__u32 index, void *context)
{
    struct group_search *search = context;
    if (search->left >= search->right)
        return 1;
    __u32 middle = (search->left + search->right) / 2, value = 0;
    bpf_probe_read_kernel(&value, sizeof(value), (const void *)(search->gids + (middle & 0xFFFF) * sizeof(kgid_t___tg)));
    if (search->gid > value) {
        search->left = middle + 1;
    } else if (search->gid < value) {
        search->right = middle;
    } else {
        search->found = 1;
        return 1;
    }
    return 0;
}

/* Whether `gid` is among the supplementary groups of `cred`. */
static __always_inline int in_groups(struct cred___tg *cred, __u32 gid)
{
    struct group_info___tg *groups = BPF_CORE_READ(cred, group_info);
    if (!groups)
        return 0;
    struct group_search search = {
        .gids = (__u64)groups + bpf_core_field_offset(struct group_info___tg, gid),
        .right = BPF_CORE_READ(groups, ngroups),
        .gid = gid,
    };
    bpf_loop(GROUP_SEARCH_STEPS, group_search_step, &search, 0);
    return search.found;
}

/* TG_EXEC_WRITABLE when `task`'s credentials may write `inode` (Falco's check: not on a
 * read-only or immutable file; owner, the mode bits of owner, group or others, or
 * CAP_DAC_OVERRIDE or CAP_FOWNER), always with TG_EXEC_WRITABLE_KNOWN. ACLs and LSMs are not
 * consulted. */
static __always_inline __u64 exe_writable(struct task_struct___tg *task, struct inode___tg *inode)
{
    __u16 mode = BPF_CORE_READ(inode, i_mode);
    __u16 type = mode & 0170000;
    if ((BPF_CORE_READ(inode, i_sb, s_flags) & SB_RDONLY) && (type == 0100000 || type == 0040000 || type == 0120000))
        return TG_EXEC_WRITABLE_KNOWN;
    if (BPF_CORE_READ(inode, i_flags) & S_IMMUTABLE)
        return TG_EXEC_WRITABLE_KNOWN;
    struct cred___tg *cred = BPF_CORE_READ(task, cred);
    __u32 owner = BPF_CORE_READ(inode, i_uid.val), group = BPF_CORE_READ(inode, i_gid.val);
    if (BPF_CORE_READ(cred, fsuid.val) == owner)
        return TG_EXEC_WRITABLE_KNOWN | TG_EXEC_WRITABLE;
    if (BPF_CORE_READ(cred, fsgid.val) == group || in_groups(cred, group))
        mode >>= 3;
    __u64 effective = 0;
    BPF_CORE_READ_INTO(&effective, cred, cap_effective);
    if ((mode & 2) || (effective & ((1ULL << CAP_DAC_OVERRIDE) | (1ULL << CAP_FOWNER))))
        return TG_EXEC_WRITABLE_KNOWN | TG_EXEC_WRITABLE;
    return TG_EXEC_WRITABLE_KNOWN;
}

/* The overlayfs layer of the file at `dentry` (TG_EXEC_UPPER_LAYER or TG_EXEC_LOWER_LAYER), with
 * TG_EXEC_LAYER_KNOWN: an overlay inode is followed by its upper dentry (struct ovl_inode),
 * set when the file has been copied up or created in the upper layer. */
static __always_inline __u64 exe_layer(struct dentry___tg *dentry)
{
    if (BPF_CORE_READ(dentry, d_sb, s_magic) != OVERLAYFS_SUPER_MAGIC)
        return TG_EXEC_LAYER_KNOWN;
    char *inode = (char *)BPF_CORE_READ(dentry, d_inode);
    struct dentry___tg *upper = NULL;
    bpf_probe_read_kernel(&upper, sizeof(upper), inode + bpf_core_type_size(struct inode___tg));
    if (upper && BPF_CORE_READ(upper, d_inode, i_ino) != 0)
        return TG_EXEC_LAYER_KNOWN | TG_EXEC_UPPER_LAYER;
    return TG_EXEC_LAYER_KNOWN | TG_EXEC_LOWER_LAYER;
}

/* `seconds` and `nanoseconds` as nanoseconds since the epoch. Since Linux 6.13 the top bit of
 * an inode's ctime nanoseconds says whether it was queried (multigrain timestamps,
 * I_CTIME_QUERIED): below 10^9, the time needs only the low 30 bits. */
static __always_inline __s64 nanoseconds(__s64 seconds, __u32 nanoseconds)
{
    return seconds * 1000000000LL + (nanoseconds & 0x3FFFFFFF);
}

/* The inode of `file` and the start of `task`'s PID namespace's init. */
static __always_inline void read_exe_file(struct task_struct___tg *task, struct file___tg *file, struct tg_exe_file *out)
{
    struct inode___tg *inode = BPF_CORE_READ(file, f_inode);
    out->ino = BPF_CORE_READ(inode, i_ino);
    out->dev = BPF_CORE_READ(inode, i_sb, s_dev);
    if (bpf_core_field_exists(inode->i_ctime_sec)) {
        out->ctime_ns = nanoseconds(BPF_CORE_READ(inode, i_ctime_sec), BPF_CORE_READ(inode, i_ctime_nsec));
        out->mtime_ns = nanoseconds(BPF_CORE_READ(inode, i_mtime_sec), BPF_CORE_READ(inode, i_mtime_nsec));
    } else {
        struct inode___tg_6_6 *before = (struct inode___tg_6_6 *)inode;
        out->ctime_ns = nanoseconds(BPF_CORE_READ(before, __i_ctime.tv_sec), BPF_CORE_READ(before, __i_ctime.tv_nsec));
        out->mtime_ns = nanoseconds(BPF_CORE_READ(before, i_mtime.tv_sec), BPF_CORE_READ(before, i_mtime.tv_nsec));
    }
    struct pid___tg *pid = BPF_CORE_READ(task, thread_pid);
    __u32 level = BPF_CORE_READ(pid, level) & 31;
    struct pid_namespace___tg *namespace = NULL;
    bpf_probe_read_kernel(&namespace, sizeof(namespace),
                          (char *)pid + bpf_core_field_offset(struct pid___tg, numbers) +
                              level * sizeof(struct upid___tg) + bpf_core_field_offset(struct upid___tg, ns));
    out->pidns_init_start_ns = BPF_CORE_READ(namespace, child_reaper, start_boottime);
}

#endif
