/* What the ptrace and seccomp monitors say about an exec's image: its inode and times, whether
 * the task may write it, its overlayfs layer, and when the init of the task's PID namespace
 * started (struct tg_exe_file, TG_EXEC_* flags), the facts the eBPF program reads from the
 * kernel's objects (bpf/identity.h). */
#include "ptrace_monitor.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#define CAP_DAC_OVERRIDE 1
#define CAP_FOWNER 3

/* Whether the "Groups:" line of /proc/<tid>/status lists `gid`. */
static int in_groups(pid_t tid, uint32_t gid)
{
    char path[64], text[4096];
    ssize_t length = tg_read_file(tg_proc_path(path, sizeof(path), tid, "/status"), text, sizeof(text) - 1);
    if (length <= 0)
        return 0;
    text[length] = 0;
    const char *line = strstr(text, "\nGroups:");
    if (!line)
        return 0;
    for (const char *at = line + 8; *at && *at != '\n';) {
        while (*at == ' ' || *at == '\t')
            at++;
        uint64_t value = 0;
        int digits = 0;
        for (; *at >= '0' && *at <= '9'; at++, digits++)
            value = value * 10 + (uint64_t)(*at - '0');
        if (!digits)
            break;
        if (value == gid)
            return 1;
    }
    return 0;
}

/* Falco's writability check (bpf/identity.h's exe_writable) with the credentials in `facts`. */
static uint64_t writable(pid_t tid, const struct statx *file, const struct tg_proc_facts *facts, int read_only)
{
    unsigned type = file->stx_mode & S_IFMT;
    if (read_only && (type == S_IFREG || type == S_IFDIR || type == S_IFLNK))
        return TG_EXEC_WRITABLE_KNOWN;
    if (file->stx_attributes & STATX_ATTR_IMMUTABLE)
        return TG_EXEC_WRITABLE_KNOWN;
    if (facts->fsuid == file->stx_uid)
        return TG_EXEC_WRITABLE_KNOWN | TG_EXEC_WRITABLE;
    unsigned mode = file->stx_mode;
    if (facts->fsgid == file->stx_gid || in_groups(tid, file->stx_gid))
        mode >>= 3;
    uint64_t bypass = (1ULL << CAP_DAC_OVERRIDE) | (1ULL << CAP_FOWNER);
    if ((mode & 2) || (facts->caps_known && (facts->caps.effective & bypass)))
        return TG_EXEC_WRITABLE_KNOWN | TG_EXEC_WRITABLE;
    return TG_EXEC_WRITABLE_KNOWN;
}

/* Boot-time nanoseconds at which the init of `tid`'s PID namespace started, when that is the
 * monitor's own namespace (its pid 1); 0 otherwise: another namespace's init is not named in
 * /proc. */
static uint64_t pidns_init_start(pid_t tid)
{
    char path[64], own[64] = {0}, theirs[64] = {0};
    if (readlink("/proc/self/ns/pid", own, sizeof(own) - 1) <= 0 ||
        readlink(tg_proc_path(path, sizeof(path), tid, "/ns/pid"), theirs, sizeof(theirs) - 1) <= 0 ||
        strcmp(own, theirs) != 0)
        return 0;
    char text[1024];
    ssize_t length = tg_read_file("/proc/1/stat", text, sizeof(text) - 1);
    if (length <= 0)
        return 0;
    text[length] = 0;
    const char *at = strrchr(text, ')');
    /* starttime is field 22; the text after ")" starts with field 3. */
    for (int field = 2; at && field < 22; field++)
        at = strchr(at + 1, ' ');
    if (!at)
        return 0;
    uint64_t ticks = 0;
    for (at++; *at >= '0' && *at <= '9'; at++)
        ticks = ticks * 10 + (uint64_t)(*at - '0');
    long per_second = sysconf(_SC_CLK_TCK);
    return per_second > 0 ? ticks * (1000000000ULL / (uint64_t)per_second) : 0;
}

uint64_t tg_record_exe_file(pid_t tid, const char *path, int credentials_after)
{
    struct statx file;
    if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &file) != 0)
        return 0;
    struct tg_exe_file exe = {
        .ino = file.stx_ino,
        .dev = (uint64_t)file.stx_dev_major << 20 | file.stx_dev_minor,
        .ctime_ns = (int64_t)file.stx_ctime.tv_sec * 1000000000 + file.stx_ctime.tv_nsec,
        .mtime_ns = (int64_t)file.stx_mtime.tv_sec * 1000000000 + file.stx_mtime.tv_nsec,
        .pidns_init_start_ns = pidns_init_start(tid),
    };
    tg_record_bytes(TG_SLOT_EXE_FILE, &exe, sizeof(exe), 0);
    uint64_t flags = 0;
    struct tg_proc_facts facts;
    struct statfs filesystem;
    int filesystem_known = statfs(path, &filesystem) == 0;
    /* Which layer of an overlay holds the file is not told in /proc: left unknown. */
    if (filesystem_known && filesystem.f_type != OVERLAYFS_SUPER_MAGIC)
        flags |= TG_EXEC_LAYER_KNOWN;
    if (credentials_after && tg_proc_status(tid, &facts) == 0)
        flags |= writable(tid, &file, &facts, filesystem_known && (filesystem.f_flags & ST_RDONLY));
    return flags;
}
