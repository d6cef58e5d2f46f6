/* The monitor process: setup, the job's first process, exits, the grace period and killing
 * what remains. See ptrace_monitor.h. */
#include "ptrace_monitor.h"
#include "seccomp_program.h"
#include "tollgate_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct tg_monitor_state tg_mon;
/* Stop signals a process can send (or a terminal's ^Z): the monitor ignores them, the job
 * gets the gate's dispositions back. SIGSTOP cannot be ignored: the gate resumes it. */
static const int stop_signals[] = {SIGTSTP, SIGTTIN, SIGTTOU};
static struct sigaction job_stop_actions[sizeof(stop_signals) / sizeof(stop_signals[0])];
static pid_t killed[TG_MONITOR_KILLED_MAX];
static size_t killed_count;


void tg_emit_exit(struct tg_task *task, int status)
{
    struct tg_record *record = tg_record_begin(TG_KIND_EXIT, task);
    record->ret = status;
    tg_record_finish();
}

struct orphan_context {
    pid_t parent;
};

static int adopt_orphan(struct tg_task *task, void *context)
{
    if (task->ppid == ((struct orphan_context *)context)->parent) {
        task->ppid = tg_mon.self; /* the monitor is the subreaper */
        task->monitor_child = 1;
    }
    return 0;
}

void tg_task_exited(pid_t tid, int status, int emit)
{
    struct tg_task *task = tg_task_find(tid);
    if (task && task->announced && emit)
        tg_emit_exit(task, status);
    if (tid == tg_mon.main_pid && !tg_mon.main_ended && (!task || task->tgid == tid))
        tg_main_ended(status);
    if (!task)
        return;
    pid_t tgid = task->tgid;
    int leader = tgid == tid;
    tg_task_remove(tid);
    if (leader) {
        tg_memory_forget(tgid);
        struct orphan_context context = {.parent = tgid};
        tg_task_each(adopt_orphan, &context);
    } else {
        struct tg_task *process = tg_task_find(tgid);
        if (process && process->threads > 0)
            process->threads--;
    }
}

void tg_main_ended(int status)
{
    tg_mon.main_ended = 1;
    tg_mon.main_status = status;
    tg_mon.grace_deadline_ns = tg_now_ns(CLOCK_MONOTONIC) + (int64_t)(tg_mon.setup->grace_seconds * 1e9);
    uint64_t args[6] = {(uint64_t)tg_mon.handoff->exec_errno};
    tg_message(TG_MSG_MAIN_EXIT, tg_mon.main_pid, status, args, NULL);
    tg_output_flush();
}

static void note_killed(pid_t pid)
{
    for (size_t i = 0; i < killed_count; i++)
        if (killed[i] == pid)
            return;
    if (killed_count < TG_MONITOR_KILLED_MAX)
        killed[killed_count++] = pid;
    tg_message(TG_MSG_KILLED, pid, 0, NULL, NULL);
}

static void kill_pid(pid_t pid)
{
    char path[64], state[64];
    /* Zombies have ended already; only running processes count as killed. A zombie leader
     * whose other threads still run (it called exit alone) is a running process. */
    ssize_t length = tg_read_file(tg_proc_path(path, sizeof(path), pid, "/stat"), state, sizeof(state) - 1);
    if (length <= 0)
        return;
    state[length] = 0;
    const char *paren = strrchr(state, ')');
    struct tg_proc_facts facts;
    if (paren && paren[1] == ' ' && paren[2] == 'Z' && (tg_proc_status(pid, &facts) != 0 || facts.threads <= 1))
        return;
    /* Killed on the gate's word (--kill-on), the gate reports it; otherwise the grace period ended. */
    if (kill(pid, SIGKILL) == 0 && !tg_mon.job_killed)
        note_killed(pid);
}

static int kill_process(struct tg_task *task, void *context)
{
    (void)context;
    if (task->tid == task->tgid && (task->tid != tg_mon.main_pid || tg_mon.gate_gone || tg_mon.job_killed))
        kill_pid(task->tid);
    return 0;
}

/* Kills every process of the job: the known ones and the monitor's children (orphans). */
static void kill_remaining(void)
{
    tg_task_each(kill_process, NULL);
    char path[64], list[4096];
    char *at = tg_proc_path(path, sizeof(path), tg_mon.self, "/task/");
    at += strlen(at);
    at = tg_append_number(at, path + sizeof(path), tg_mon.self);
    tg_append(at, path + sizeof(path), "/children");
    ssize_t length = tg_read_file(path, list, sizeof(list) - 1);
    for (ssize_t i = 0; i < length;) {
        long pid = 0;
        while (i < length && list[i] >= '0' && list[i] <= '9')
            pid = pid * 10 + (list[i++] - '0');
        while (i < length && (list[i] < '0' || list[i] > '9'))
            i++;
        if (pid > 0)
            kill_pid((pid_t)pid);
    }
}

void tg_kill_job(void)
{
    tg_mon.job_killed = 1;
    tg_mon.killing = 1;
    kill_remaining();
    tg_output_flush();
}

void tg_tick(void)
{
    tg_output_flush();
    char byte;
    ssize_t got;
    while ((got = read(tg_mon.setup->control_fd, &byte, 1)) == 1)
        if (byte == TG_CONTROL_CANCEL)
            tg_mon.cancelled = 1;
        else if (byte == TG_VERDICT_KILL)
            tg_mon.job_killed = 1; /* unasked: a finding on a record that did not hold its task */
        else if (byte == TG_VERDICT_ALLOW || byte == TG_VERDICT_DENY)
            tg_mon.job_killed = 1; /* an answer nothing waited for: the two ends disagree, fail closed */
    if (got == 0)
        tg_mon.gate_gone = 1; /* the gate closed its end: end the run */
    if (tg_mon.gate_gone || tg_mon.job_killed || (tg_mon.main_ended && (tg_mon.cancelled || tg_now_ns(CLOCK_MONOTONIC) >= tg_mon.grace_deadline_ns)))
        tg_mon.killing = 1;
    if (tg_mon.killing)
        kill_remaining();
    tg_output_flush();
}


static void fail(const char *what, int err)
{
    char text[256];
    char *at = tg_append(text, text + sizeof(text), what);
    at = tg_append(at, text + sizeof(text), ": ");
    tg_append(at, text + sizeof(text), strerror(err));
    tg_message(TG_MSG_FAILED, 0, -err, NULL, text);
    tg_output_flush();
    _exit(70);
}

/* The job's first process: waits to be released, installs the filter, execs. */
static void job_child(int release_fd) __attribute__((noreturn));
static void job_child(int release_fd)
{
    const struct tg_monitor_setup *setup = tg_mon.setup;
    static const int reset[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGALRM};
    for (size_t i = 0; i < sizeof(reset) / sizeof(reset[0]); i++)
        signal(reset[i], SIG_DFL);
    for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
        sigaction(stop_signals[i], &job_stop_actions[i], NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    char go = 0;
    ssize_t got;
    while ((got = read(release_fd, &go, 1)) < 0 && errno == EINTR) {
    }
    if (got != 1 || go != TG_CONTROL_RELEASE)
        _exit(127); /* never run the job unobserved */
    tg_own_process_group();
    /* Once the monitor has received a notification, only a fatal signal may end the task's wait
     * (Linux 5.19+): otherwise a signal with a handler (a shell's SIGCHLD) makes the call return
     * EINTR without having run, and a close that never happened leaves a pipe open forever. */
    unsigned int flags = setup->mode == TG_MONITOR_SECCOMP
                             ? SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV : 0;
    long installed = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &setup->filter);
    if (installed < 0 && errno == EINVAL && (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
        flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
        tg_mon.handoff->interruptible_waits = 1;
        installed = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &setup->filter);
    }
    if (installed < 0 && errno == EACCES) {
        /* Without CAP_SYS_ADMIN a filter needs no_new_privs. */
        tg_mon.handoff->no_new_privs = 1;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0)
            installed = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &setup->filter);
    }
    if (installed < 0) {
        tg_mon.handoff->setup_errno = errno ? errno : EINVAL;
        _exit(127);
    }
    if (setup->mode == TG_MONITOR_SECCOMP)
        __atomic_store_n(&tg_mon.handoff->listener, (int)installed, __ATOMIC_RELEASE);
    /* Nothing but exec from here: with CLONE_FILES (seccomp) the fd table is the monitor's. */
    execvpe(setup->file, setup->argv, setup->envp);
    tg_mon.handoff->exec_errno = errno;
    _exit(tg_exec_failure_status(errno));
}

/* Closes the descriptors the monitor inherited from the gate that the job would not inherit
 * (close-on-exec ones) except its own two: another run's pipes, forked into this monitor by a
 * concurrent run in the same gate, must not keep that run's pipes open. */
static void close_gate_descriptors(int keep, int keep_too)
{
    int directory = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory < 0)
        return;
    char entries[4096];
    int found[1024];
    size_t count = 0;
    long got;
    while ((got = syscall(SYS_getdents64, directory, entries, sizeof(entries))) > 0) {
        for (long offset = 0; offset < got;) {
            struct {
                uint64_t inode;
                int64_t next;
                unsigned short length;
                unsigned char type;
                char name[];
            } *entry = (void *)(entries + offset);
            long fd = 0;
            int digits = 0;
            for (const char *c = entry->name; *c >= '0' && *c <= '9'; c++, digits++)
                fd = fd * 10 + (*c - '0');
            if (digits && fd != directory && fd != keep && fd != keep_too && count < 1024)
                found[count++] = (int)fd;
            offset += entry->length;
        }
    }
    close(directory);
    for (size_t i = 0; i < count; i++)
        if (fcntl(found[i], F_GETFD) & FD_CLOEXEC)
            close(found[i]);
}

static void on_alarm(int signal)
{
    (void)signal;
}

/* Waits for the seccomp child to hand over its listener (or to fail). */
static int await_listener(pid_t child)
{
    for (;;) {
        int listener = __atomic_load_n(&tg_mon.handoff->listener, __ATOMIC_ACQUIRE);
        if (listener >= 0)
            return listener;
        int status;
        if (tg_mon.handoff->setup_errno || waitpid(child, &status, WNOHANG | __WALL) == child) {
            if (tg_mon.handoff->setup_errno)
                return -tg_mon.handoff->setup_errno;
            tg_task_exited(child, status, 1); /* exec failed before any filter existed */
            return -ECHILD;
        }
        struct timespec pause = {0, 50000};
        nanosleep(&pause, NULL);
    }
}

void tg_monitor_main(const struct tg_monitor_setup *setup)
{
    memset(&tg_mon, 0, sizeof(tg_mon));
    tg_mon.setup = setup;
    tg_mon.self = getpid();
    /* The filter protects the monitor by a placeholder pid until now. The copy is this
     * process's own (fork), so the gate's is unchanged. */
    tg_seccomp_program_set_placeholder((struct sock_fprog *)&setup->filter, tg_mon.self);
    tg_mon.handoff = tg_map(4096, 1);
    if (tg_tasks_allocate() != 0 || tg_records_allocate() != 0 || !tg_mon.handoff)
        _exit(70);
    tg_mon.handoff->listener = -1;

    /* The gate forwards cancelling signals itself; a terminal's ^C must not end the monitor. */
    static const int ignored[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
    for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
        signal(ignored[i], SIG_IGN);
    for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
        struct sigaction ignore = {.sa_handler = SIG_IGN};
        sigaction(stop_signals[i], &ignore, &job_stop_actions[i]);
    }
    signal(SIGCHLD, SIG_DFL);
    /* No PR_SET_PDEATHSIG: if the gate dies the monitor kills the job and keeps answering
     * until it is gone (a dead listener would fail the job's calls with ENOSYS meanwhile). */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        fail("becoming the job's child subreaper", errno);
    close_gate_descriptors(setup->out_fd, setup->control_fd);
    int flags = fcntl(setup->control_fd, F_GETFL);
    fcntl(setup->control_fd, F_SETFL, flags | O_NONBLOCK);
    fcntl(setup->out_fd, F_SETPIPE_SZ, 1 << 20);

    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGCHLD);
    sigprocmask(SIG_UNBLOCK, &blocked, NULL);
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGALRM); /* the gate's thread may block it; the loops' ticks need it */
    sigprocmask(SIG_UNBLOCK, &blocked, NULL);

    int release[2];
    if (pipe2(release, O_CLOEXEC) != 0)
        fail("pipe2", errno);
    /* The monitor is not dumpable (inherited from the gate), so the job cannot trace it; the
     * job must be, for this monitor to seize it without CAP_SYS_PTRACE: it inherits the flag
     * at fork, before it runs anything of its own. */
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    pid_t child = setup->mode == TG_MONITOR_SECCOMP
                      ? (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0)
                      : fork();
    if (child == 0)
        job_child(release[0]);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (child < 0)
        fail("forking the job", errno);
    tg_mon.main_pid = child;
    if (setup->mode == TG_MONITOR_PTRACE) {
        long options = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                       PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD;
        if (ptrace(PTRACE_SEIZE, child, 0, options) != 0) {
            int err = errno;
            kill(child, SIGKILL);
            fail("PTRACE_SEIZE of the job's first process", err);
        }
    }
    struct tg_task *main_task = tg_task_add(child);
    main_task->ppid = tg_mon.self;
    main_task->monitor_child = 1;
    main_task->announced = 1;
    main_task->uid = (uint32_t)geteuid();
    main_task->gid = (uint32_t)getegid();
    tg_refresh_creds(main_task);
    tg_reader_setup(child, setup->mode == TG_MONITOR_PTRACE);
    tg_message(TG_MSG_STARTED, child, 0, NULL, NULL);
    tg_output_flush();

    /* Held until the gate has seeded its state (CaptureSink.jobStarted). */
    for (;;) {
        char byte = 0;
        struct timespec pause = {0, 1000000};
        ssize_t got = read(setup->control_fd, &byte, 1);
        if (got == 1 && byte == TG_CONTROL_RELEASE)
            break;
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
            kill(child, SIGKILL);
            _exit(70);
        }
        if (got == 1 && byte == TG_CONTROL_CANCEL)
            tg_mon.cancelled = 1;
        nanosleep(&pause, NULL);
    }
    char go = TG_CONTROL_RELEASE;
    if (write(release[1], &go, 1) != 1)
        fail("releasing the job", errno);

    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_alarm; /* no SA_RESTART: interrupts the loops' waits for periodic work */
    sigaction(SIGALRM, &action, NULL);
    struct itimerval every = {{0, 20000}, {0, 20000}};
    setitimer(ITIMER_REAL, &every, NULL);
    if (setup->mode == TG_MONITOR_PTRACE) {
        close(release[0]);
        close(release[1]);
        tg_ptrace_loop();
    } else {
        int listener = await_listener(child);
        /* release[] stays open until the child has read it: with CLONE_FILES closing is shared. */
        if (listener >= 0)
            tg_seccomp_loop(listener);
        else if (listener != -ECHILD)
            fail("installing the user-notification filter", -listener);
        else {
            /* The first process ended before handing over a listener; reap what is left. */
            int status;
            pid_t pid;
            while ((pid = waitpid(-1, &status, __WALL)) > 0)
                tg_task_exited(pid, status, 1);
        }
    }
    uint64_t done[6] = {tg_mon.stops, tg_mon.records, (uint64_t)tg_mon.handoff->no_new_privs,
                        (uint64_t)tg_mon.sync_wake_up, (uint64_t)tg_mon.handoff->interruptible_waits};
    if (!tg_mon.main_ended)
        tg_main_ended(tg_mon.main_status);
    const struct tg_memory_reads *reads = tg_reader_stats();
    uint64_t read_counts[6] = {reads->reads[TG_READ_VM], reads->reads[TG_READ_PROC_MEM], reads->reads[TG_READ_PEEKDATA],
                               reads->failed, (uint64_t)(reads->method + 1)};
    tg_message(TG_MSG_READS, tg_mon.main_pid, 0, read_counts, NULL);
    tg_message(TG_MSG_DONE, tg_mon.main_pid, 0, done, NULL);
    tg_output_flush();
    _exit(0);
}

