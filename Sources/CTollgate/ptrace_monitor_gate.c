/* Calls of the job aimed at the gate or the monitor: the job's filter sends them here
 * (seccomp_program.h), the monitor tells which really aim at a protected process, refuses them
 * with EPERM and records them with TG_FLAG_GATE_TARGET (a rule makes that a finding). */
#include "ptrace_monitor.h"

#include <errno.h>
#include <stdlib.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Whether thread or process `id` belongs to the gate or the monitor (a thread of the gate is
 * named by its own tid in tkill, ptrace and /proc). */
static int is_protected(pid_t id)
{
    pid_t gate = tg_mon.setup->gate_pid, monitor = tg_mon.self;
    if (id <= 0)
        return 0;
    if (id == gate || id == monitor)
        return 1;
    struct tg_proc_facts facts;
    return tg_proc_status(id, &facts) == 0 && (facts.tgid == gate || facts.tgid == monitor);
}

/* Whether process group `group` holds the gate or the monitor. */
static int is_protected_group(pid_t group)
{
    return group > 0 && (group == getpgid(tg_mon.setup->gate_pid) || group == getpgid(tg_mon.self));
}

/* The process a pidfd (or an opened /proc/<pid> directory) of `tid` refers to, or 0. */
static pid_t pidfd_target(pid_t tid, int fd)
{
    char path[96], text[512];
    char *at = tg_proc_path(path, sizeof(path), tid, "/fdinfo/");
    tg_append_number(at + strlen(at), path + sizeof(path), fd);
    ssize_t length = tg_read_file(path, text, sizeof(text) - 1);
    if (length > 0) {
        text[length] = 0;
        const char *pid = strstr(text, "\nPid:");
        if (pid)
            return (pid_t)strtol(pid + 5, NULL, 10);
    }
    at = tg_proc_path(path, sizeof(path), tid, "/fd/");
    tg_append_number(at + strlen(at), path + sizeof(path), fd);
    ssize_t linked = readlink(path, text, sizeof(text) - 1);
    if (linked <= 6 || strncmp(text, "/proc/", 6) != 0)
        return 0;
    text[linked] = 0;
    char *end;
    long pid = strtol(text + 6, &end, 10);
    return *end == 0 || *end == '/' ? (pid_t)pid : 0;
}

/* The process or thread whose <pid>/ or <pid>/task/<tid>/ entry (mem, maps, fd, ...) `path`
 * names, wherever a procfs is mounted: the deepest number followed by one of the entries;
 * 0 when there is none. */
static pid_t gate_entry_owner(const char *path)
{
    static const char *const entries[] = {"mem",   "maps", "smaps",  "smaps_rollup", "pagemap", "auxv",
                                          "syscall", "stack", "fd", "fdinfo",     "map_files"};
    const char *components[64];
    size_t lengths[64], count = 0;
    for (const char *at = path; *at && count < 64;) {
        while (*at == '/')
            at++;
        if (!*at)
            break;
        components[count] = at;
        lengths[count] = strcspn(at, "/");
        at += lengths[count++];
    }
    for (long i = (long)count - 2; i >= 0; i--) {
        const char *number = components[i];
        size_t digits = strspn(number, "0123456789");
        if (digits == 0 || digits != lengths[i] || digits > 9)
            continue;
        for (size_t k = 0; k < sizeof(entries) / sizeof(entries[0]); k++)
            if (strlen(entries[k]) == lengths[i + 1] && strncmp(components[i + 1], entries[k], lengths[i + 1]) == 0)
                return (pid_t)strtol(number, NULL, 10);
    }
    return 0;
}

int tg_names_gate_entry(const char *path, const char *file, int fd)
{
    pid_t owner = gate_entry_owner(path);
    if (!owner)
        return 0; /* most opens: no statfs */
    struct statfs filesystem;
    int on_procfs = (file ? statfs(file, &filesystem) : fstatfs(fd, &filesystem)) == 0 &&
                    filesystem.f_type == PROC_SUPER_MAGIC;
    return on_procfs && is_protected(owner);
}

int tg_is_gate_routed(int nr)
{
    return nr == SYS_kill || nr == SYS_ptrace || nr == SYS_tkill || nr == SYS_tgkill || nr == SYS_rt_sigqueueinfo ||
           nr == SYS_rt_tgsigqueueinfo || nr == SYS_process_vm_readv || nr == SYS_process_vm_writev ||
           nr == SYS_pidfd_open || nr == SYS_pidfd_send_signal || nr == SYS_pidfd_getfd;
}

/* Signal 0 only asks whether a process exists (`kill -0 $PPID` in a waiting loop): not an
 * attempt on it. */
static int null_signal(int nr, const uint64_t args[6])
{
    if (nr == SYS_kill || nr == SYS_tkill || nr == SYS_rt_sigqueueinfo || nr == SYS_pidfd_send_signal)
        return (int)args[1] == 0;
    return (nr == SYS_tgkill || nr == SYS_rt_tgsigqueueinfo) && (int)args[2] == 0;
}

int tg_gate_target(const struct tg_task *task, int nr, const uint64_t args[6])
{
    pid_t first = (pid_t)(uint32_t)args[0];
    if (null_signal(nr, args))
        return 0;
    switch (nr) {
    case SYS_kill:
        if (first == -1)
            return 1; /* every process the caller may signal: the gate among them */
        if (first == 0)
            return is_protected_group(getpgid(task->tid));
        return first < 0 ? is_protected_group(-first) : is_protected(first);
    case SYS_ptrace:
        return args[0] != PTRACE_TRACEME && is_protected((pid_t)(uint32_t)args[1]);
    case SYS_tkill:
    case SYS_tgkill:
    case SYS_rt_sigqueueinfo:
    case SYS_rt_tgsigqueueinfo:
    case SYS_process_vm_readv:
    case SYS_process_vm_writev:
    case SYS_pidfd_open:
        return is_protected(first);
    case SYS_pidfd_send_signal:
    case SYS_pidfd_getfd:
        return is_protected(pidfd_target(task->tid, (int)first));
    default:
        return 0;
    }
}

void tg_record_gate_attempt(const struct tg_task *task, int nr, const uint64_t args[6])
{
    struct tg_record *record = tg_record_begin(TG_KIND_SYSCALL, task);
    record->syscall = nr;
    record->ret = -EPERM;
    record->flags |= TG_FLAG_GATE_TARGET;
    memcpy(record->args, args, sizeof(record->args));
    tg_record_finish();
    tg_output_flush(); /* the gate learns of it now, not at the next tick */
}
