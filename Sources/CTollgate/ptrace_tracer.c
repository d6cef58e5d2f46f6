/* The ptrace backend's loop, in the monitor process: the job runs under a SECCOMP_RET_TRACE
 * filter, so only the syscalls wanted stop; each whose result a rule or the state needs is
 * followed to its exit (tg_follows_exit), the others are recorded at entry.
 * Fork, clone, vfork and exec arrive as ptrace events; signals are re-injected; group-stops
 * are kept with PTRACE_LISTEN (the job is seized, not TRACEME'd, for that). */
#include "ptrace_monitor.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <elf.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void dispatch(struct tg_task *task, int status);

static void resume(const struct tg_task *task, int signal)
{
    ptrace(task->in_syscall ? PTRACE_SYSCALL : PTRACE_CONT, task->tid, 0, signal);
}

static int syscall_info(pid_t tid, struct __ptrace_syscall_info *info)
{
    memset(info, 0, sizeof(*info));
    return ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(*info), info) > 0 ? 0 : -1;
}

/* connect: the kernel copied the sockaddr at the call's entry, and another thread may have
 * rewritten the user memory read at the exit since: the port and address of the record's copy
 * are taken from the socket (its fd duplicated with pidfd_getfd, then getpeername), when the
 * families agree. The socket's local address (getsockname) is appended as
 * TG_SLOT_RESOLVED_PATH, as the eBPF capture does. Nothing changes where pidfd_getfd is refused. */
static void record_connect_peer(pid_t tgid, int fd)
{
    int pidfd = (int)syscall(SYS_pidfd_open, tgid, 0);
    if (pidfd < 0)
        return;
    int copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
    close(pidfd);
    if (copy < 0)
        return;
    struct sockaddr_storage peer, local;
    socklen_t length = sizeof(peer), local_length = sizeof(local);
    int known = getpeername(copy, (struct sockaddr *)&peer, &length) == 0;
    if (getsockname(copy, (struct sockaddr *)&local, &local_length) == 0 &&
        (local.ss_family == AF_INET || local.ss_family == AF_INET6) && local_length <= sizeof(local))
        tg_record_bytes(TG_SLOT_RESOLVED_PATH, (const char *)&local, local_length, 0);
    close(copy);
    size_t recorded = 0;
    const char *bytes = known ? tg_record_payload(TG_SLOT_ARG0 + 1, &recorded) : NULL;
    if (!bytes || recorded < sizeof(sa_family_t) || memcmp(bytes, &peer.ss_family, sizeof(sa_family_t)) != 0)
        return;
    /* Everything after the family: port and address (and IPv6's flow and scope). */
    size_t span = length < recorded ? length : recorded;
    if (span > sizeof(sa_family_t))
        tg_record_patch_bytes(TG_SLOT_ARG0 + 1, sizeof(sa_family_t), (const char *)&peer + sizeof(sa_family_t), span - sizeof(sa_family_t));
}

/* Skips the stopped syscall of `tid` (at its seccomp stop): it returns -`error`. */
static int skip_with_error(pid_t tid, int error)
{
#if defined(__x86_64__)
    struct user_regs_struct regs;
    if (ptrace(PTRACE_GETREGS, tid, 0, &regs) != 0)
        return -1;
    regs.orig_rax = (unsigned long long)-1;
    regs.rax = (unsigned long long)-error;
    return ptrace(PTRACE_SETREGS, tid, 0, &regs);
#elif defined(__aarch64__)
    int skip = -1;
    struct iovec number = {.iov_base = &skip, .iov_len = sizeof(skip)};
    struct user_pt_regs regs;
    struct iovec all = {.iov_base = &regs, .iov_len = sizeof(regs)};
    if (ptrace(PTRACE_GETREGSET, tid, NT_PRSTATUS, &all) != 0)
        return -1;
    regs.regs[0] = (unsigned long long)-error;
    if (ptrace(PTRACE_SETREGSET, tid, NT_PRSTATUS, &all) != 0)
        return -1;
    return ptrace(PTRACE_SETREGSET, tid, NT_ARM_SYSTEM_CALL, &number);
#else
#error "the ptrace backend supports x86_64 and arm64"
#endif
}

/* A traced syscall is about to run: keep its arguments and follow it to its exit. A call
 * aimed at the gate or the monitor is refused first, whatever the mode. */
static void seccomp_stop(struct tg_task *task)
{
    struct __ptrace_syscall_info info;
    int known = syscall_info(task->tid, &info) == 0 && info.op == PTRACE_SYSCALL_INFO_SECCOMP;
    if (known && tg_is_gate_routed((int)info.seccomp.nr) &&
        tg_gate_target(task, (int)info.seccomp.nr, (const uint64_t *)info.seccomp.args)) {
        if (skip_with_error(task->tid, EPERM) != 0) {
            /* Never let it run: a task that cannot be steered is killed. */
            kill(task->tid, SIGKILL);
        }
        tg_record_gate_attempt(task, (int)info.seccomp.nr, (const uint64_t *)info.seccomp.args);
        ptrace(PTRACE_CONT, task->tid, 0, 0);
        return;
    }
    if (!known) {
        resume(task, 0);
        return;
    }
    task->nr = (int)info.seccomp.nr;
    memcpy(task->args, info.seccomp.args, sizeof(task->args));
    if (tg_probes(task->nr)) {
        /* --deny-on: the gate decides before the call runs. */
        char verdict = tg_probe(task, task->nr, task->args);
        if (verdict != TG_VERDICT_ALLOW) {
            if (skip_with_error(task->tid, tg_refusal(task, task->nr, task->args, verdict)) != 0)
                kill(task->tid, SIGKILL);
            ptrace(PTRACE_CONT, task->tid, 0, 0);
            return;
        }
    }
    if (!tg_follows_exit(task->nr)) {
        /* No rule and no state needs the result: record it now and spare the exit stop. */
        if (tg_wants(task->nr))
            tg_record_at_entry(task, task->nr, task->args, TG_FLAG_RETURN_UNKNOWN, 0);
        /* A job killed on this record must not get to run the call. */
        if (tg_settle() == TG_VERDICT_KILL)
            skip_with_error(task->tid, EPERM);
        ptrace(PTRACE_CONT, task->tid, 0, 0);
        return;
    }
    task->in_syscall = 1;
    tg_stash_release(&task->stash);
    if (tg_is_exec(task->nr) && (task->stash = tg_stash_take()) >= 0) {
        /* After a successful exec the old memory is gone: read the path now. */
        uint16_t *length;
        char *data = tg_stash_data(task->stash, &length);
        uint64_t address = task->nr == SYS_execveat ? task->args[1] : task->args[0];
        ssize_t got = tg_read_remote_string(task, address, data, TG_PAYLOAD_MAX);
        *length = got > 0 ? (uint16_t)strnlen(data, (size_t)got) : TG_STASH_UNREADABLE;
        if (*length == TG_PAYLOAD_MAX)
            *length = TG_PAYLOAD_MAX - 1;
    }
    ptrace(PTRACE_SYSCALL, task->tid, 0, 0);
}

static void syscall_exit_stop(struct tg_task *task)
{
    struct __ptrace_syscall_info info;
    if (!task->in_syscall || syscall_info(task->tid, &info) != 0 || info.op != PTRACE_SYSCALL_INFO_EXIT) {
        task->in_syscall = 0;
        ptrace(PTRACE_CONT, task->tid, 0, 0);
        return;
    }
    task->in_syscall = 0;
    if (tg_changes_creds(task->nr))
        tg_refresh_creds(task);
    /* A successful exec is told once, by its exec record (as the eBPF backend does). */
    int exec_succeeded = tg_is_exec(task->nr) && info.exit.rval == 0;
    if (tg_wants(task->nr) && !exec_succeeded) {
        struct tg_record *record = tg_record_begin(TG_KIND_SYSCALL, task);
        record->syscall = task->nr;
        record->ret = info.exit.rval;
        memcpy(record->args, task->args, sizeof(record->args));
        if (tg_is_exec(task->nr)) {
            int slot = task->nr == SYS_execveat ? 1 : 0;
            if (task->stash >= 0) {
                uint16_t *length;
                char *data = tg_stash_data(task->stash, &length);
                if (*length != TG_STASH_UNREADABLE)
                    tg_record_bytes((uint16_t)(TG_SLOT_ARG0 + slot), data, *length, *length == TG_PAYLOAD_MAX - 1);
                else
                    tg_record_failed_read();
            }
        } else {
            tg_record_arguments(task, task->nr, task->args, 0);
            if (tg_is_open(task->nr) && info.exit.rval >= 0 && tg_record_opened_path(task->tid, (int)info.exit.rval)) {
                /* It opened the gate's memory or descriptors: it dies before it returns to use
                 * them (a process sharing its descriptors keeps them: a listed limit). */
                record->flags |= TG_FLAG_GATE_TARGET;
                kill(task->tgid, SIGKILL);
            }
            if (task->nr == SYS_openat2 && info.exit.rval >= 0)
                tg_record_open_how_flags(task->tid, (int)info.exit.rval);
            if (task->nr == SYS_connect && (info.exit.rval == 0 || info.exit.rval == -EINPROGRESS))
                record_connect_peer(task->tgid, (int)task->args[0]);
        }
        tg_record_finish();
    }
    tg_stash_release(&task->stash);
    tg_settle(); /* a job killed here never sees the call's result */
    ptrace(PTRACE_CONT, task->tid, 0, 0);
}

static void fork_event(struct tg_task *parent, int event)
{
    unsigned long message = 0;
    if (ptrace(PTRACE_GETEVENTMSG, parent->tid, 0, &message) != 0 || message == 0)
        return;
    pid_t child_tid = (pid_t)message;
    struct tg_task *child = tg_task_add(child_tid);
    if (!child)
        return;
    pid_t child_tgid = child_tid, child_ppid = parent->tgid;
    struct tg_proc_facts facts;
    int facts_known = tg_proc_status(child_tid, &facts) == 0;
    if (event == PTRACE_EVENT_CLONE && facts_known) {
        child_tgid = facts.tgid;
        child_ppid = facts.ppid;
    }
    int thread = child_tgid == parent->tgid;
    child->tgid = child_tgid;
    child->ppid = thread ? parent->ppid : child_ppid;
    child->monitor_child = thread ? parent->monitor_child : child_ppid == tg_mon.self;
    child->uid = parent->uid;
    child->gid = parent->gid;
    /* A clone into a new user namespace gives the child other capabilities than its parent's. */
    child->caps = facts_known && facts.caps_known ? facts.caps : parent->caps;
    child->caps_known = facts_known && facts.caps_known ? 1 : parent->caps_known;
    child->announced = 1;
    if (thread)
        parent->threads++;
    struct tg_record *record = tg_record_begin(TG_KIND_FORK, parent);
    record->ret = child_tid;
    record->args[0] = thread ? TG_CLONE_THREAD : 0;
    record->args[1] = (uint64_t)child_tgid;
    if (child->caps_known)
        tg_record_set_credentials(&child->caps);
    tg_record_finish();
    if (child->held) {
        child->held = 0;
        dispatch(child, child->held_status);
    }
}

static struct tg_task *exec_event(struct tg_task *task)
{
    unsigned long former = 0;
    ptrace(PTRACE_GETEVENTMSG, task->tid, 0, &former);
    pid_t leader = task->tid;
    if (former && (pid_t)former != leader) {
        /* A non-leader thread exec'd and took the leader's tid: carry its state over. */
        struct tg_task *execing = tg_task_find((pid_t)former);
        if (execing) {
            struct tg_task moved = *execing;
            execing->stash = -1;
            tg_task_remove((pid_t)former);
            task = tg_task_add(leader);
            moved.tid = leader;
            moved.tgid = leader;
            moved.threads = 0;
            *task = moved;
        }
    }
    tg_refresh_creds(task);
    tg_memory_forget(leader); /* a /proc/<pid>/mem descriptor is bound to the old image */
    char path[64], exe[TG_PAYLOAD_MAX], filename[TG_PAYLOAD_MAX], text[TG_PAYLOAD_MAX];
    ssize_t exe_length = readlink(tg_proc_path(path, sizeof(path), leader, "/exe"), exe, sizeof(exe) - 1);
    exe[exe_length > 0 ? exe_length : 0] = 0;

    struct tg_record *record = tg_record_begin(TG_KIND_EXEC, task);
    record->args[0] = strncmp(exe, "/memfd:", 7) == 0 ? TG_EXEC_FROM_MEMFD : 0;
    record->args[0] |= tg_record_exe_file(leader, tg_proc_path(path, sizeof(path), leader, "/exe"), 1);
    record->args[1] = former ? former : (unsigned long)leader;
    uint16_t *length = NULL;
    char *data = task->stash >= 0 ? tg_stash_data(task->stash, &length) : NULL;
    if (data && *length != TG_STASH_UNREADABLE) {
        size_t n = tg_exec_filename(task->nr, task->args, data, *length, filename, sizeof(filename));
        tg_record_bytes(TG_SLOT_EXE_PATH, filename, n, 0);
    } else {
        /* The filename as passed could not be read: the kernel's name for the image stands in. */
        if (data)
            tg_record_failed_read();
        tg_record_bytes(TG_SLOT_EXE_PATH, exe, exe_length > 0 ? (size_t)exe_length : 0, 0);
    }
    if (exe_length > 0)
        tg_record_executable_name(exe, (size_t)exe_length);
    /* One byte more than is kept: a longer command line is cut and flagged by tg_record_bytes. */
    char *argv = tg_argv_area();
    ssize_t n = tg_read_file(tg_proc_path(path, sizeof(path), leader, "/cmdline"), argv, TG_ARGV_MAX + 1);
    tg_record_bytes(TG_SLOT_ARGV, argv, n > 0 ? (size_t)n : 0, 0);
    n = tg_read_file(tg_proc_path(path, sizeof(path), leader, "/environ"), text, sizeof(text));
    tg_record_bytes(TG_SLOT_ENV, text, n > 0 ? (size_t)n : 0, n == (ssize_t)sizeof(text));
    tg_record_finish();
    tg_settle(); /* a job killed here never runs an instruction of the new image */
    return task;
}

static int is_stop_signal(int signal)
{
    return signal == SIGSTOP || signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU;
}

static void dispatch(struct tg_task *task, int status)
{
    int signal = WSTOPSIG(status);
    int event = (unsigned)status >> 16;
    if (signal == (SIGTRAP | 0x80)) {
        syscall_exit_stop(task);
        return;
    }
    switch (event) {
    case PTRACE_EVENT_SECCOMP:
        seccomp_stop(task);
        return;
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE:
        fork_event(task, event);
        resume(task, 0);
        return;
    case PTRACE_EVENT_EXEC:
        task = exec_event(task);
        resume(task, 0);
        return;
    case PTRACE_EVENT_STOP:
        /* A group-stop keeps the tracee stopped, as untraced; anything else (a new child's
         * first stop, the end of a group-stop) just goes on. */
        if (is_stop_signal(signal))
            ptrace(PTRACE_LISTEN, task->tid, 0, 0);
        else
            resume(task, 0);
        return;
    case 0:
        resume(task, signal); /* a signal for the job: deliver it */
        return;
    default:
        resume(task, 0);
    }
}

/* How long the loop polls for the next stop before it blocks. A stop usually follows within
 * microseconds of the last resume; blocking lets this vCPU halt, and on a VM waking a halted
 * vCPU costs tens of microseconds per stop (measured: a 200k openat storm ran 6x faster with
 * tracer and job on one CPU). Polling yields, so runnable work is never kept waiting. */
#define TG_POLL_NS 50000

pid_t tg_ptrace_wait(int *status)
{
    int64_t start = tg_now_ns(CLOCK_MONOTONIC);
    do {
        pid_t tid = waitpid(-1, status, __WALL | WNOHANG);
        if (tid != 0)
            return tid;
        sched_yield();
    } while (tg_now_ns(CLOCK_MONOTONIC) - start < TG_POLL_NS);
    return waitpid(-1, status, __WALL);
}

void tg_ptrace_loop(void)
{
    for (;;) {
        int status = 0;
        pid_t tid = tg_ptrace_wait(&status);
        if (tid < 0) {
            if (errno == EINTR) {
                tg_tick();
                continue;
            }
            break; /* ECHILD: nothing of the job is left */
        }
        tg_mon.stops++;
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            tg_task_exited(tid, status, 1);
            if (tg_mon.killing || tg_mon.main_ended)
                tg_tick();
            continue;
        }
        if (!WIFSTOPPED(status))
            continue;
        struct tg_task *task = tg_task_find(tid);
        if (!task || !task->announced) {
            /* A new child can stop before its parent's fork event: hold it until then. */
            task = task ? task : tg_task_add(tid);
            if (task) {
                task->held = 1;
                task->held_status = status;
            }
            continue;
        }
        dispatch(task, status);
    }
}
