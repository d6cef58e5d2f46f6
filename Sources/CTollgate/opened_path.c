/* fd.name for the monitors: the file an open call opened (ptrace, at its exit) or will open
 * (seccomp, at its entry), named from the kernel's view of the file rather than the string the
 * job passed. Symlinks, "..", /proc/self/fd/N/... and file handles end at the file itself;
 * a file reached through a bind mount of a subtree is named by where it lies in its
 * filesystem, as the eBPF program does (bpf/resolved_path.h). */
#include "ptrace_monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x4000U /* Linux 6.8+: a mount id never reused */
#endif

enum { PLAIN_MOUNTS = 64, MOUNTINFO_MAX = 256 * 1024, HANDLE_MAX = 128 /* MAX_HANDLE_SZ */ };

/* Unique ids of mounts seen to be of a filesystem's root (no renaming needed), round robin. */
static uint64_t plain_mounts[PLAIN_MOUNTS];
static unsigned plain_next;
static char mountinfo[MOUNTINFO_MAX];

int tg_is_open(int nr)
{
    switch (nr) {
#ifdef SYS_open
    case SYS_open:
    case SYS_creat:
#endif
    case SYS_openat:
    case SYS_openat2:
    case SYS_open_by_handle_at:
        return 1;
    default:
        return 0;
    }
}

/* Copies field `index` (space-separated, octal escapes undone) of a mountinfo line. */
static size_t mountinfo_field(const char *line, const char *end, int index, char *out, size_t capacity)
{
    const char *at = line;
    for (int field = 0; field < index && at < end; field++) {
        while (at < end && *at != ' ')
            at++;
        at++;
    }
    size_t used = 0;
    while (at < end && *at != ' ' && *at != '\n' && used + 1 < capacity) {
        if (*at == '\\' && end - at >= 4) {
            out[used++] = (char)(((at[1] - '0') << 6) | ((at[2] - '0') << 3) | (at[3] - '0'));
            at += 4;
        } else {
            out[used++] = *at++;
        }
    }
    out[used] = 0;
    return used;
}

/* The mount id of the monitor's own root, which is the gate's: the environment the gate was
 * started in. A container's rootfs may be a bind mount of a subtree (podman's vfs driver);
 * files below it keep the names the job and the rules see. A root the job made itself
 * (pivot_root onto a bind of ~/.ssh) is another mount and is still renamed. */
static int own_root_mount(void)
{
    static int id = -1;
    if (id == -1) {
        struct statx facts;
        id = syscall(SYS_statx, AT_FDCWD, "/", 0, STATX_MNT_ID, &facts) == 0 && (facts.stx_mask & STATX_MNT_ID)
                 ? (int)facts.stx_mnt_id : -2;
    }
    return id;
}

/* Renames `path` (`length` bytes, as d_path gave it) when the mount `mount_id` of `tid`'s
 * namespace is a bind mount of a subtree: its place in the filesystem, below that
 * filesystem's own mount when the namespace has one. Returns the new length, or `length`. */
static size_t bind_mount_origin(pid_t tid, int mount_id, char *path, size_t length, size_t capacity, int *plain)
{
    char where[64];
    ssize_t total = tg_read_file(tg_proc_path(where, sizeof(where), tid, "/mountinfo"), mountinfo, sizeof(mountinfo));
    if (total <= 0)
        return length;
    const char *end = mountinfo + total;
    char id[16], root[TG_PAYLOAD_MAX], point[TG_PAYLOAD_MAX], device[32] = {0}, other[TG_PAYLOAD_MAX];
    char *at = tg_append_number(id, id + sizeof(id), mount_id);
    size_t id_length = (size_t)(at - id);
    int found = 0;
    for (const char *line = mountinfo; line < end && !found;) {
        const char *next = memchr(line, '\n', (size_t)(end - line));
        next = next ? next + 1 : end;
        if ((size_t)(next - line) > id_length && memcmp(line, id, id_length) == 0 && line[id_length] == ' ') {
            mountinfo_field(line, next, 2, device, sizeof(device));
            mountinfo_field(line, next, 3, root, sizeof(root));
            mountinfo_field(line, next, 4, point, sizeof(point));
            found = 1;
        }
        line = next;
    }
    if (!found)
        return length;
    if (strcmp(root, "/") == 0 || mount_id == own_root_mount()) {
        *plain = 1;
        return length;
    }
    size_t point_length = strlen(point);
    if (strcmp(point, "/") == 0)
        point_length = 0;
    if (length < point_length || memcmp(path, point, point_length) != 0 ||
        (length > point_length && path[point_length] != '/'))
        return length;
    /* Where the filesystem's root is mounted, if anywhere in this namespace. */
    char base[TG_PAYLOAD_MAX] = {0};
    for (const char *line = mountinfo; line < end && !base[0];) {
        const char *next = memchr(line, '\n', (size_t)(end - line));
        next = next ? next + 1 : end;
        mountinfo_field(line, next, 2, other, sizeof(other));
        if (strcmp(other, device) == 0) {
            mountinfo_field(line, next, 3, other, sizeof(other));
            if (strcmp(other, "/") == 0)
                mountinfo_field(line, next, 4, base, sizeof(base));
        }
        line = next;
    }
    char renamed[TG_PAYLOAD_MAX];
    char *out = renamed, *out_end = renamed + sizeof(renamed);
    if (strcmp(base, "/") != 0)
        out = tg_append(out, out_end, base);
    out = tg_append(out, out_end, root);
    size_t rest = length - point_length;
    if ((size_t)(out_end - out) <= rest || capacity <= (size_t)(out - renamed) + rest)
        return length;
    memcpy(out, path + point_length, rest);
    size_t renamed_length = (size_t)(out - renamed) + rest;
    memcpy(path, renamed, renamed_length);
    path[renamed_length] = 0;
    return renamed_length;
}

/* The name of the file `link` (a /proc fd link) leads to, as `tid` would see it; 0 for a file
 * no directory names (pipe, socket, anon inode). */
static size_t file_name(pid_t tid, const char *link, char *out, size_t capacity)
{
    tg_mon.task_reads++;
    ssize_t length = readlink(link, out, capacity - 1);
    if (length <= 0 || out[0] != '/')
        return 0;
    out[length] = 0;
    struct statx facts;
    uint64_t unique = 0;
    if (syscall(SYS_statx, AT_FDCWD, link, 0, STATX_MNT_ID_UNIQUE, &facts) == 0 &&
        (facts.stx_mask & STATX_MNT_ID_UNIQUE)) {
        unique = facts.stx_mnt_id;
        for (unsigned i = 0; i < PLAIN_MOUNTS; i++)
            if (plain_mounts[i] == unique)
                return (size_t)length;
    }
    if (syscall(SYS_statx, AT_FDCWD, link, 0, STATX_MNT_ID, &facts) != 0 || !(facts.stx_mask & STATX_MNT_ID))
        return (size_t)length;
    int plain = 0;
    size_t named = bind_mount_origin(tid, (int)facts.stx_mnt_id, out, (size_t)length, capacity, &plain);
    if (plain && unique)
        plain_mounts[plain_next++ % PLAIN_MOUNTS] = unique;
    return named;
}

void tg_record_executable_name(const char *name, size_t length)
{
    static const char deleted[] = " (deleted)";
    size_t suffix = sizeof(deleted) - 1;
    if (length > 7 && strncmp(name, "/memfd:", 7) == 0) {
        name++, length--; /* "memfd:<name>", without the kernel's " (deleted)" */
        if (length > suffix && memcmp(name + length - suffix, deleted, suffix) == 0)
            length -= suffix;
    }
    if (length && name[0] != '\0')
        tg_record_bytes(TG_SLOT_RESOLVED_PATH, name, length, 0);
}

int tg_record_opened_path(pid_t tid, int fd)
{
    char link[64], name[TG_PAYLOAD_MAX];
    char *at = tg_append(link, link + sizeof(link), "/proc/");
    at = tg_append_number(at, link + sizeof(link), tid);
    at = tg_append(at, link + sizeof(link), "/fd/");
    tg_append_number(at, link + sizeof(link), fd);
    size_t length = file_name(tid, link, name, sizeof(name));
    if (!length)
        return 0;
    tg_record_bytes(TG_SLOT_RESOLVED_PATH, name, length, 0);
    return tg_names_gate_entry(name, link, -1);
}

void tg_record_open_how_flags(pid_t tid, int fd)
{
    char path[64], text[512];
    char *at = tg_append(path, path + sizeof(path), "/proc/");
    at = tg_append_number(at, path + sizeof(path), tid);
    at = tg_append(at, path + sizeof(path), "/fdinfo/");
    tg_append_number(at, path + sizeof(path), fd);
    int file = open(path, O_RDONLY | O_CLOEXEC);
    if (file < 0)
        return;
    ssize_t got = read(file, text, sizeof(text) - 1);
    close(file);
    if (got <= 0)
        return;
    text[got] = 0;
    const char *line = strstr(text, "flags:");
    if (!line)
        return;
    uint64_t flags = 0;
    for (line += 6; *line == '\t' || *line == ' '; line++) {}
    for (; *line >= '0' && *line <= '7'; line++)
        flags = flags * 8 + (uint64_t)(*line - '0');
    uint64_t bits = O_ACCMODE | O_PATH | O_DIRECTORY | __O_TMPFILE;
    tg_record_patch_word(TG_SLOT_ARG0 + 2, bits, flags);
}

/* `task`'s cwd (dirfd AT_FDCWD) or its fd `dirfd`, seen from the monitor. */
static void directory_view(const struct tg_task *task, int dirfd, char *out, size_t capacity)
{
    const char *end = out + capacity;
    char *at = tg_append_number(tg_append(out, end, "/proc/"), end, task->tid);
    if (dirfd == AT_FDCWD) {
        tg_append(at, end, "/cwd");
    } else {
        at = tg_append(at, end, "/fd/");
        tg_append_number(at, end, dirfd);
    }
}

/* Where, seen from the monitor, the lookup of `path` by `task` starts: the task's root for an
 * absolute path, its cwd or `dirfd`; /proc/self, /proc/thread-self and /dev/fd name the task.
 * Sets `*rest` to the part of `path` to look up from there. */
static void lookup_base(const struct tg_task *task, int dirfd, const char *path, const char **rest, char *out,
                        size_t capacity)
{
    char *at = tg_append(out, out + capacity, "/proc/");
    const char *end = out + capacity;
    if (strncmp(path, "/proc/self/", 11) == 0 || strncmp(path, "/dev/fd/", 8) == 0) {
        at = tg_append_number(at, end, task->tgid);
        *rest = path[1] == 'p' ? path + 11 : path + 5; /* "fd/N..." */
        return;
    }
    if (strncmp(path, "/proc/thread-self/", 18) == 0) {
        at = tg_append_number(at, end, task->tgid);
        at = tg_append(at, end, "/task/");
        tg_append_number(at, end, task->tid);
        *rest = path + 18;
        return;
    }
    *rest = path;
    if (path[0] != '/') {
        directory_view(task, dirfd, out, capacity);
        return;
    }
    at = tg_append_number(at, end, task->tid);
    tg_append(at, end, "/root");
    while (**rest == '/')
        (*rest)++;
}

/* Opens (O_PATH) the file `path` names for `task` as an openat2 with `how` would: the file
 * itself, or, when it does not exist yet, its folder (then `*last` is the name to append). */
static int open_like_task(const struct tg_task *task, int dirfd, const char *path, const struct open_how *how,
                          const char **last)
{
    static char view[TG_PAYLOAD_MAX + 64]; /* static: `*last` may point into it */
    char base_view[64];
    const char *rest;
    /* RESOLVE_IN_ROOT/BENEATH make even an absolute path relative to dirfd: the lookup starts
     * from an open base. Otherwise the base is a path prefix, and one openat2 of
     * "/proc/<tid>/root/<path>" spares opening and closing it. */
    int scoped = how->resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH);
    lookup_base(task, dirfd, scoped ? "" : path, &rest, base_view, sizeof(base_view));
    tg_mon.task_reads++;
    int base = AT_FDCWD;
    if (scoped) {
        rest = path;
        base = open(base_view, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (base < 0)
            return -1;
    } else {
        tg_append(tg_append(tg_append(view, view + sizeof(view), base_view), view + sizeof(view), "/"),
                  view + sizeof(view), rest);
        rest = view;
    }
    struct open_how lookup = {.flags = O_PATH | O_CLOEXEC | (how->flags & O_NOFOLLOW), .resolve = how->resolve};
    int fd = *rest ? (int)syscall(SYS_openat2, base, rest, &lookup, sizeof(lookup)) : dup(base);
    *last = NULL;
    if (fd < 0 && errno == ENOENT && (how->flags & O_CREAT)) {
        /* A file about to be created: its folder, and the name. */
        char folder[sizeof(view)];
        const char *slash = strrchr(rest, '/');
        size_t folder_length = slash ? (size_t)(slash - rest) : 0;
        if (folder_length < sizeof(folder) && (!slash || slash[1])) {
            memcpy(folder, rest, folder_length);
            folder[folder_length] = 0;
            lookup.flags = O_PATH | O_CLOEXEC | O_DIRECTORY;
            fd = folder_length ? (int)syscall(SYS_openat2, base, folder, &lookup, sizeof(lookup)) : dup(base);
            *last = slash ? slash + 1 : rest;
        }
    }
    if (base != AT_FDCWD)
        close(base);
    return fd;
}

/* open_by_handle_at: the monitor opens the same handle (it needs CAP_DAC_READ_SEARCH, as the
 * job does). */
static int open_handle_like_task(const struct tg_task *task, int mount_fd, uint64_t address)
{
    struct {
        unsigned int bytes;
        int type;
        unsigned char data[HANDLE_MAX];
    } handle;
    if (tg_read_remote(task, address, &handle, 8) != 8 || handle.bytes > HANDLE_MAX ||
        tg_read_remote(task, address + 8, handle.data, handle.bytes) != (ssize_t)handle.bytes)
        return -1;
    char view[64];
    directory_view(task, mount_fd, view, sizeof(view));
    /* A real open, not O_PATH: open_by_handle_at refuses O_PATH fds (EBADF). */
    int mount = open(view, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (mount < 0)
        return -1;
    int fd = (int)syscall(SYS_open_by_handle_at, mount, &handle, O_PATH | O_CLOEXEC);
    close(mount);
    return fd;
}

int tg_record_entry_path(const struct tg_task *task, int nr, const uint64_t args[6])
{
    char path[TG_PAYLOAD_MAX], name[TG_PAYLOAD_MAX];
    int fd;
    const char *last = NULL;
    if (nr == SYS_open_by_handle_at) {
        fd = open_handle_like_task(task, (int)args[0], args[1]);
    } else {
        int at_form = nr == SYS_openat || nr == SYS_openat2;
        uint64_t address = at_form ? args[1] : args[0];
        ssize_t got = tg_read_remote_string(task, address, path, sizeof(path));
        if (got <= 0 || !memchr(path, 0, (size_t)got))
            return 0;
        struct open_how how = {.flags = nr == SYS_openat ? args[2] : 0};
#ifdef SYS_open
        if (nr == SYS_open)
            how.flags = args[1];
        if (nr == SYS_creat)
            how.flags = O_CREAT;
#endif
        if (nr == SYS_openat2 && tg_read_remote(task, args[2], &how, sizeof(how)) != (ssize_t)sizeof(how))
            return 0;
        fd = open_like_task(task, at_form ? (int)args[0] : AT_FDCWD, path, &how, &last);
    }
    if (fd < 0)
        return 0;
    char link[64];
    char *at = tg_append(link, link + sizeof(link), "/proc/self/fd/");
    tg_append_number(at, link + sizeof(link), fd);
    size_t length = file_name(task->tid, link, name, sizeof(name));
    int names_gate = length && !last && tg_names_gate_entry(name, NULL, fd);
    close(fd);
    if (!length)
        return 0;
    if (last) {
        char *end = name + length;
        if (length > 1)
            end = tg_append(end, name + sizeof(name), "/");
        end = tg_append(end, name + sizeof(name), last);
        length = (size_t)(end - name);
    }
    tg_record_bytes(TG_SLOT_RESOLVED_PATH, name, length, 0);
    return names_gate;
}
