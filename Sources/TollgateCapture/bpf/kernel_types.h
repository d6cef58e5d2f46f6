/* The few kernel structures the capture program reads, as CO-RE definitions: libbpf relocates
 * each field access against the running kernel's BTF, so no vmlinux.h is needed. The
 * `___tg` suffix keeps them apart from any userspace header's definitions. */
#ifndef TOLLGATE_KERNEL_TYPES_H
#define TOLLGATE_KERNEL_TYPES_H

#include <linux/types.h>

#define CORE __attribute__((preserve_access_index))

#if defined(__TARGET_ARCH_x86)
struct pt_regs___tg {
    unsigned long di, si, dx, r10, r8, r9, orig_ax;
} CORE;
#define SYSCALL_NR(regs) ((long)(regs)->orig_ax)
#define SYSCALL_ARGS(regs, a) \
    do { a[0] = (regs)->di; a[1] = (regs)->si; a[2] = (regs)->dx; \
         a[3] = (regs)->r10; a[4] = (regs)->r8; a[5] = (regs)->r9; } while (0)
#elif defined(__TARGET_ARCH_arm64)
struct pt_regs___tg {
    __u64 regs[31];
    __u64 orig_x0;
    __s32 syscallno;
} CORE;
#define SYSCALL_NR(regs) ((long)(regs)->syscallno)
#define SYSCALL_ARGS(regs, a) \
    do { a[0] = (regs)->orig_x0; a[1] = (regs)->regs[1]; a[2] = (regs)->regs[2]; \
         a[3] = (regs)->regs[3]; a[4] = (regs)->regs[4]; a[5] = (regs)->regs[5]; } while (0)
#else
#error "tollgate's capture program supports x86_64 and arm64"
#endif

typedef struct { __u32 val; } kuid_t___tg;
typedef struct { __u32 val; } kgid_t___tg;

/* A capability set: a u64 since Linux 6.3, two u32 before (the same bytes, little-endian). */
typedef struct { __u64 val; } kernel_cap_t___tg;

struct group_info___tg {
    int ngroups;
    kgid_t___tg gid[];
} CORE;

struct cred___tg {
    kuid_t___tg euid;
    kgid_t___tg egid;
    kuid_t___tg fsuid;
    kgid_t___tg fsgid;
    kernel_cap_t___tg cap_inheritable;
    kernel_cap_t___tg cap_permitted;
    kernel_cap_t___tg cap_effective;
    struct group_info___tg *group_info;
} CORE;

struct super_block___tg {
    __u32 s_dev;
    unsigned long s_flags;
    unsigned long s_magic;
} CORE;

/* The inode's times: separate seconds and nanoseconds since Linux 6.11 (i_ctime_sec), a
 * timespec64 before (inode___tg_6_6 below). */
struct inode___tg {
    __u16 i_mode;
    kuid_t___tg i_uid;
    kgid_t___tg i_gid;
    unsigned int i_flags;
    struct super_block___tg *i_sb;
    unsigned long i_ino;
    __s64 i_mtime_sec;
    __s64 i_ctime_sec;
    __u32 i_mtime_nsec;
    __u32 i_ctime_nsec;
    void *i_private; /* pidfs: the struct pid of a pidfd */
} CORE;

struct timespec64___tg {
    __s64 tv_sec;
    long tv_nsec;
} CORE;

struct inode___tg_6_6 {
    struct timespec64___tg __i_ctime;
    struct timespec64___tg i_mtime;
} CORE;

struct file___tg;

struct mm_struct___tg {
    unsigned long arg_start, arg_end, env_start, env_end;
    struct file___tg *exe_file;
} CORE;

/* Laid out like the kernel's (stable for over a decade), so it can be read in one copy. */
struct qstr___tg {
    union {
        struct {
            __u32 hash;
            __u32 len;
        };
        __u64 hash_len;
    };
    const unsigned char *name;
} CORE;

struct dentry___tg {
    struct dentry___tg *d_parent;
    struct qstr___tg d_name;
    struct inode___tg *d_inode;
    struct super_block___tg *d_sb;
} CORE;

struct vfsmount___tg {
    struct dentry___tg *mnt_root;
} CORE;

/* The kernel-private wrapper of a vfsmount (fs/mount.h); reached with container_of. */
struct mount___tg {
    struct mount___tg *mnt_parent;
    struct dentry___tg *mnt_mountpoint;
    struct vfsmount___tg mnt;
} CORE;

struct path___tg {
    struct vfsmount___tg *mnt;
    struct dentry___tg *dentry;
} CORE;

struct file___tg {
    struct path___tg f_path;
    struct inode___tg *f_inode;
    unsigned int f_flags;
    void *private_data;
} CORE;

struct fs_struct___tg {
    struct path___tg root;
} CORE;

struct fdtable___tg {
    unsigned int max_fds;
    struct file___tg **fd;
} CORE;

struct files_struct___tg {
    struct fdtable___tg *fdt;
} CORE;

/* Read whole: only its size matters. */
struct in6_addr___tg {
    __u8 bytes[16];
};

struct sock_common___tg {
    __be32 skc_daddr;
    __be32 skc_rcv_saddr;
    __be16 skc_dport;
    __u16 skc_num;
    unsigned short skc_family;
    struct in6_addr___tg skc_v6_daddr;
    struct in6_addr___tg skc_v6_rcv_saddr;
} CORE;

struct sock___tg {
    struct sock_common___tg __sk_common;
} CORE;

struct socket___tg {
    struct sock___tg *sk;
} CORE;

struct task_struct___tg;

struct pid_namespace___tg {
    struct task_struct___tg *child_reaper;
} CORE;

struct upid___tg {
    int nr;
    struct pid_namespace___tg *ns;
} CORE;

struct pid___tg {
    unsigned int level;
    struct upid___tg numbers[1];
} CORE;

/* procfs's inode (fs/proc/internal.h): the process a /proc/<pid> entry belongs to. */
struct proc_inode___tg {
    struct pid___tg *pid;
    struct inode___tg vfs_inode;
} CORE;

typedef struct { int counter; } atomic_t___tg;

struct signal_struct___tg {
    atomic_t___tg live;            /* threads of the group not yet exiting */
    struct pid___tg *pids[4];      /* PIDTYPE_PID, _TGID, _PGID, _SID */
} CORE;

#define PIDTYPE_PGID___tg 2

/* x86: `status` holds TS_COMPAT while a 32-bit (int 0x80) syscall runs. */
struct thread_info___tg {
    __u32 status;
} CORE;

/* A task's cgroups: in the cgroup2 hierarchy, the kernfs node named after its folder. */
struct kernfs_node___tg {
    const char *name;
} CORE;

struct cgroup___tg {
    struct kernfs_node___tg *kn;
} CORE;

struct css_set___tg {
    struct cgroup___tg *dfl_cgrp;
} CORE;

struct task_struct___tg {
    struct thread_info___tg thread_info;
    int pid;
    int tgid;
    int exit_code;
    struct signal_struct___tg *signal;
    struct task_struct___tg *real_parent;
    struct cred___tg *cred;
    struct mm_struct___tg *mm;
    struct fs_struct___tg *fs;
    struct files_struct___tg *files;
    struct pid___tg *thread_pid;
    __u64 start_boottime;
    struct css_set___tg *cgroups;
} CORE;

struct linux_binprm___tg {
    struct file___tg *file;
    const char *filename;
} CORE;

#endif
