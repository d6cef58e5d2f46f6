/* The seccomp backend's loop, in the monitor process: answers every user notification of the
 * job's filter with CONTINUE after recording the call from its arguments and the memory they
 * point to. No ptrace: jobs may use ptrace themselves. See include/tollgate_seccomp.h for what
 * this cannot see. */
#include "ptrace_monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Linux 6.6+: the woken monitor runs on the notifying task's CPU (not yet in these headers). */
static const unsigned long set_flags_request = SECCOMP_IOW(4, __u64);
static const __u64 sync_wake_up_flag = 1;

enum { MAX_ANCESTRY = 64 };

/* Introduces a task first seen in a notification, and its unknown parents, with fork records. */
static struct tg_task *discover(pid_t tid, int depth)
{
    struct tg_task *task = tg_task_find(tid);
    if (task && task->announced) {
        if (task->creds_stale)
            tg_refresh_creds(task);
        return task;
    }
    struct tg_proc_facts facts;
    if (tg_proc_status(tid, &facts) != 0 || depth > MAX_ANCESTRY)
        return NULL;
    struct tg_task *parent = NULL;
    int thread = facts.tgid != tid;
    if (thread)
        parent = discover(facts.tgid, depth + 1);
    else if (facts.ppid > 1 && facts.ppid != tg_mon.self)
        parent = discover(facts.ppid, depth + 1);
    task = tg_task_add(tid);
    if (!task)
        return NULL;
    task->tgid = facts.tgid;
    task->ppid = thread && parent ? parent->ppid : facts.ppid;
    task->monitor_child = thread && parent ? parent->monitor_child : facts.ppid == tg_mon.self;
    task->uid = facts.uid;
    task->gid = facts.gid;
    task->caps = facts.caps;
    task->caps_known = (uint8_t)facts.caps_known;
    task->announced = 1;
    struct tg_task stand_in = {.tid = facts.ppid, .tgid = facts.ppid, .ppid = 0, .uid = facts.uid, .gid = facts.gid};
    if (thread && parent)
        parent->threads++;
    struct tg_record *record = tg_record_begin(TG_KIND_FORK, parent ? parent : &stand_in);
    if (!parent)
        record->pid = record->tid = tg_report_pid(facts.ppid);
    record->ret = tid;
    record->args[0] = thread ? TG_CLONE_THREAD : 0;
    record->args[1] = (uint64_t)facts.tgid;
    if (task->caps_known)
        tg_record_set_credentials(&task->caps);
    tg_record_finish();
    return task;
}

/* Appends `prefix` (already NUL-separated) then the strings of a NULL-terminated pointer array
 * in the task's memory from index `skip` on, each with its NUL, as the kernel lays out argv
 * and the environment, assembled in `joined` (`capacity` bytes: what is kept of the payload). */
static void record_string_array(const struct tg_task *task, uint16_t slot, const char *prefix, size_t prefix_length, uint64_t array,
                                size_t skip, char *joined, size_t capacity)
{
    size_t used = prefix_length < capacity ? prefix_length : 0;
    memcpy(joined, prefix, used);
    int truncated = 0;
    uint64_t pointers[64];
    for (size_t index = 0; array && used < capacity; index += 64) {
        ssize_t got = tg_read_remote(task, array + index * 8, pointers, sizeof(pointers));
        if (got < 8) {
            tg_record_failed_read();
            break;
        }
        size_t count = (size_t)got / 8, i = 0;
        for (; i < count && pointers[i] && used < capacity; i++) {
            if (index + i < skip)
                continue;
            ssize_t n = tg_read_remote_string(task, pointers[i], joined + used, capacity - used);
            if (n <= 0)
                tg_record_failed_read();
            size_t length = n > 0 ? strnlen(joined + used, (size_t)n) : 0;
            if (used + length >= capacity) {
                truncated = 1;
                used = capacity;
                break;
            }
            joined[used + length] = 0;
            used += length + 1;
        }
        if (i < count)
            break;
    }
    tg_record_bytes(slot, joined, used, truncated);
}

/* For a "#!" script, the argv head the kernel builds: interpreter, its optional argument, the
 * script as passed (then the original argv from index 1). Returns its length, 0 otherwise. */
static size_t script_argv_head(const char *view, const char *filename, size_t filename_length, char *out,
                               size_t capacity)
{
    char head[256];
    int fd = open(view, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, head, sizeof(head) - 1);
    close(fd);
    if (n < 3 || head[0] != '#' || head[1] != '!')
        return 0;
    head[n] = 0;
    char *line_end = strchr(head, '\n');
    if (line_end)
        *line_end = 0;
    char *at = head + 2;
    while (*at == ' ' || *at == '\t')
        at++;
    char *interpreter = at;
    while (*at && *at != ' ' && *at != '\t')
        at++;
    char *argument = NULL;
    if (*at) {
        *at++ = 0;
        while (*at == ' ' || *at == '\t')
            at++;
        char *end = at + strlen(at);
        while (end > at && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = 0;
        argument = *at ? at : NULL;
    }
    if (!*interpreter)
        return 0;
    size_t used = 0;
    const char *parts[3] = {interpreter, argument, filename};
    size_t lengths[3] = {strlen(interpreter), argument ? strlen(argument) : 0, filename_length};
    for (int i = 0; i < 3; i++) {
        if (!parts[i] || used + lengths[i] + 1 > capacity)
            continue;
        memcpy(out + used, parts[i], lengths[i]);
        out[used + lengths[i]] = 0;
        used += lengths[i] + 1;
    }
    return used;
}

/* Where the monitor finds the file a task names: its root, cwd or fds, seen through /proc. */
static void monitor_view(const struct tg_task *task, int nr, const uint64_t args[6], const char *path,
                         char *out, size_t capacity)
{
    char *at = out, *end = out + capacity;
    int dirfd = (int)args[0];
    at = tg_append(at, end, "/proc/");
    if (strncmp(path, "/proc/self/", 11) == 0 || strncmp(path, "/dev/fd/", 8) == 0) {
        at = tg_append_number(at, end, task->tgid);
        tg_append(at, end, path[1] == 'p' ? path + 10 : path + 4 /* "/fd/N" */);
        return;
    }
    at = tg_append_number(at, end, task->tid);
    if (path[0] == '/') {
        at = tg_append(at, end, "/root");
    } else if (nr == SYS_execveat && dirfd != AT_FDCWD) {
        at = tg_append(at, end, "/fd/");
        at = tg_append_number(at, end, dirfd);
        if (path[0])
            at = tg_append(at, end, "/");
    } else {
        at = tg_append(at, end, "/cwd/");
    }
    tg_append(at, end, path);
}

/* proc.exepath of an exec about to run `view` (the monitor's view of its file): the file, symlinks
 * resolved, or for a script (`interpreter`: its #! line's program, absolute in the task's root)
 * the interpreter's, as /proc/<pid>/exe will name it. The task may swap either first: a listed
 * race. */
static void record_image_name(const struct tg_task *task, const char *view, const char *interpreter)
{
    char interpreter_view[TG_PAYLOAD_MAX + 64], self[40], name[TG_PAYLOAD_MAX];
    if (interpreter) {
        char *at = tg_proc_path(interpreter_view, sizeof(interpreter_view), task->tid, "/root");
        tg_append(at, interpreter_view + sizeof(interpreter_view), interpreter);
        view = interpreter_view;
    }
    int image = open(view, O_PATH | O_CLOEXEC);
    if (image < 0)
        return;
    tg_append_number(tg_append(self, self + sizeof(self), "/proc/self/fd/"), self + sizeof(self), image);
    ssize_t named = readlink(self, name, sizeof(name) - 1);
    close(image);
    if (named > 0)
        tg_record_executable_name(name, (size_t)named);
}

int tg_record_exec_at_entry(struct tg_task *task, int nr, const uint64_t args[6], uint16_t flags)
{
    char path[TG_PAYLOAD_MAX], view[TG_PAYLOAD_MAX + 64], filename[TG_PAYLOAD_MAX];
    uint64_t address = nr == SYS_execveat ? args[1] : args[0];
    /* Read as a string (short first): a path near the end of its mapping cannot be read 4 KiB
     * at a time. */
    ssize_t got = tg_read_remote_string(task, address, path, sizeof(path) - 1);
    if (got <= 0)
        return 0;
    path[got] = 0;
    size_t length = strnlen(path, (size_t)got);
    monitor_view(task, nr, args, path, view, sizeof(view));
    struct stat target;
    if (stat(view, &target) != 0 || !S_ISREG(target.st_mode) || access(view, X_OK) != 0)
        return 0;
    char link[16] = {0};
    ssize_t linked = readlink(view, link, sizeof(link) - 1);
    struct tg_task after_exec = *task;
    after_exec.tid = task->tgid; /* an exec from a thread takes the leader's tid */
    struct tg_record *record = tg_record_begin(TG_KIND_EXEC, &after_exec);
    record->flags |= flags;
    record->args[0] = linked > 7 && strncmp(link, "/memfd:", 7) == 0 ? TG_EXEC_FROM_MEMFD : 0;
    /* The file the exec will most likely run. Whether the task may write it depends on the
     * credentials the exec gives, which the entry does not show: left unknown. */
    record->args[0] |= tg_record_exe_file(task->tid, view, 0);
    record->args[1] = (uint64_t)task->tid;
    size_t n = tg_exec_filename(nr, args, path, length, filename, sizeof(filename));
    tg_record_bytes(TG_SLOT_EXE_PATH, filename, n, 0);
    char script_head[TG_PAYLOAD_MAX];
    size_t head_length = script_argv_head(view, path, length, script_head, sizeof(script_head));
    record_image_name(task, view, head_length ? script_head : NULL);
    record_string_array(task, TG_SLOT_ARGV, script_head, head_length, nr == SYS_execveat ? args[2] : args[1],
                        head_length ? 1 : 0, tg_argv_area(), TG_ARGV_MAX);
    char environment[TG_PAYLOAD_MAX];
    record_string_array(task, TG_SLOT_ENV, NULL, 0, nr == SYS_execveat ? args[3] : args[2], 0, environment,
                        sizeof(environment));
    tg_record_finish();
    return 1;
}

struct thread_context {
    pid_t tgid;
    int status;
};

static int end_thread(struct tg_task *task, void *context)
{
    struct thread_context *process = context;
    if (task->tgid == process->tgid && task->tid != task->tgid) {
        tg_task_exited(task->tid, process->status, 1);
        return 1; /* the table changed under us: start over */
    }
    return 0;
}

/* exit or exit_group was let through: the kernel will end the thread or the process. */
static void exit_notification(struct tg_task *task, int nr, uint64_t code)
{
    int status = (int)((code & 0xff) << 8);
    pid_t tgid = task->tgid, tid = task->tid;
    struct tg_proc_facts facts;
    int whole_process = nr == SYS_exit_group ||
                        (tid == tgid && tg_proc_status(tgid, &facts) == 0 && facts.threads <= 1);
    if (!whole_process) {
        if (tid != tgid)
            tg_task_exited(tid, status, 1);
        return;
    }
    struct tg_task *leader = tg_task_find(tgid);
    struct thread_context context = {.tgid = tgid, .status = status};
    while (leader && leader->threads > 0) {
        int before = leader->threads;
        tg_task_each(end_thread, &context);
        leader = tg_task_find(tgid);
        if (leader && leader->threads == before)
            leader->threads = 0;
    }
    /* The monitor's own children report their real status through waitpid. */
    if (leader && !leader->monitor_child)
        tg_task_exited(tgid, status, 1);
}

/* Synchronous wake-ups (Linux 6.6+) run the woken monitor on the notifying task's CPU and the
 * answered task on the monitor's. For a notification that woke the monitor that is ideal:
 * task and monitor hand the CPU to each other. For one that was already waiting when the
 * monitor asked, from another task than the one it last answered, the task ran on another CPU
 * (the monitor was busy on its own), and a synchronous answer would pull it onto the monitor's:
 * with several tasks notifying, the job's processes pile onto one CPU and the others idle. So
 * the monitor answers those without, and turns synchronous wake-ups back on before it waits
 * again. (A task whose call waits again right after its last answer runs where that answer put
 * it: answered synchronously.) Side by side here, make -j2 of the C benchmark: 1.88x with the
 * per-tick choice this replaced (synchronous unless a tenth of the last 20 ms's notifications
 * overlapped), 1.73x with this; the openat storm and fork+exec unchanged. */
enum { WAITING_NS = 3000 };

static struct {
    int on;
    pid_t last_tid;
} wake;

static void set_sync_wake_up(int listener, int on)
{
    if (tg_mon.sync_wake_up && on != wake.on && ioctl(listener, set_flags_request, on ? sync_wake_up_flag : 0) == 0)
        wake.on = on;
}

/* Lets the notified call run as the task made it. What waits in the kernel is received first:
 * the call may end a process (exit) or a child's exit may follow, and the SIGCHLD it sends
 * would interrupt a parent's notification not yet received. */
static void let_continue(int listener, __u64 id)
{
    tg_seccomp_receive_waiting();
    struct seccomp_notif_resp response = {.id = id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
    ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &response);
}

/* Refuses the notified call: it returns -`error` without having run. */
static void refuse(int listener, __u64 id, int error)
{
    struct seccomp_notif_resp response = {.id = id, .error = -error};
    ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &response);
}

/* Refuses a call aimed at the gate or the monitor with EPERM, recording it. Returns 1 when
 * it did. Checked before anything else. */
static int refuse_gate_attempt(int listener, const struct seccomp_notif *request)
{
    uint64_t args[6];
    memcpy(args, request->data.args, sizeof(args));
    struct tg_task *task = discover((pid_t)request->pid, 0);
    struct tg_task stand_in = {.tid = (pid_t)request->pid, .tgid = (pid_t)request->pid};
    if (!tg_gate_target(task ? task : &stand_in, request->data.nr, args))
        return 0;
    tg_record_gate_attempt(task ? task : &stand_in, request->data.nr, args);
    refuse(listener, request->id, EPERM);
    return 1;
}

/* Notifications received but not answered yet, oldest first. A received notification's task
 * waits killably (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV); one still queued in the kernel can
 * be interrupted by any signal with a handler, and its call then fails with EINTR without
 * having run (a shell's close() of a pipe end, and the pipeline never ends). So the monitor
 * receives every waiting notification before it works on one, and while it waits for the
 * gate's verdict. */
enum { RECEIVED_MAX = 256 };
static struct {
    struct seccomp_notif requests[RECEIVED_MAX];
    unsigned head, count;
    int listener; /* -1 outside the seccomp loop */
} received = {.listener = -1};

void tg_seccomp_receive_waiting(void)
{
    int listener = received.listener;
    while (listener >= 0 && received.count < RECEIVED_MAX) {
        struct pollfd ready = {.fd = listener, .events = POLLIN};
        if (poll(&ready, 1, 0) <= 0 || !(ready.revents & POLLIN))
            return;
        struct seccomp_notif *request = &received.requests[(received.head + received.count) % RECEIVED_MAX];
        memset(request, 0, sizeof(*request));
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, request) == 0)
            received.count++;
        else if (errno != ENOENT && errno != EINTR)
            return;
    }
}

int tg_seccomp_listener(void)
{
    return received.count < RECEIVED_MAX ? received.listener : -1;
}

/* Takes the oldest received notification, else waits for the next one. Returns 0, or -errno
 * when none came: EINTR (a signal: a child exited or it is time to tick) or ENOENT (the task
 * died before we got to it, or, on kernels 6.6+, no task uses the filter any more). */
static int next_notification(int listener, struct seccomp_notif *request)
{
    if (received.count) {
        *request = received.requests[received.head];
        received.head = (received.head + 1) % RECEIVED_MAX;
        received.count--;
        /* It was waiting: answered without a synchronous wake-up unless it is the last task's. */
        set_sync_wake_up(listener, (pid_t)request->pid == wake.last_tid);
        wake.last_tid = (pid_t)request->pid;
        return 0;
    }
    memset(request, 0, sizeof(*request));
    set_sync_wake_up(listener, 1);
    int64_t asked_at = tg_now_ns(CLOCK_MONOTONIC);
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, request) != 0)
        return -errno;
    /* Answered at once: it was waiting (a blocked wait takes a sleep and a wake-up). */
    int was_waiting = tg_now_ns(CLOCK_MONOTONIC) - asked_at < WAITING_NS;
    set_sync_wake_up(listener, !(was_waiting && (pid_t)request->pid != wake.last_tid));
    wake.last_tid = (pid_t)request->pid;
    return 0;
}

/* Answers the next notification. Returns 0, or -errno as next_notification says. */
static int handle_notification(int listener)
{
    struct seccomp_notif request;
    int err = next_notification(listener, &request);
    if (err)
        return err;
    tg_seccomp_receive_waiting();
    tg_mon.stops++;
    if (tg_is_gate_routed(request.data.nr) && refuse_gate_attempt(listener, &request))
        return 0;
    int nr = request.data.nr;
    uint64_t args[6];
    memcpy(args, request.data.args, sizeof(args));
    uint64_t reads_before = tg_mon.task_reads;
    struct tg_task *task = discover((pid_t)request.pid, 0);
    if (task && tg_probes(nr) && !tg_is_exit(nr)) {
        /* --deny-on: the gate decides before the call runs. */
        char verdict = tg_probe(task, nr, args);
        if (verdict != TG_VERDICT_ALLOW) {
            refuse(listener, request.id, tg_refusal(task, nr, args, verdict));
            return 0;
        }
    }
    size_t mark = tg_output_mark();
    /* An exec expected to succeed is told once, by its exec record (as the eBPF backend does);
     * the attempts of a PATH search stay syscall records. */
    int exec_recorded = task && tg_is_exec(nr) && tg_record_exec_at_entry(task, nr, args, 0);
    int aims_at_gate = task && tg_wants(nr) && !tg_is_exit(nr) && !exec_recorded &&
                       tg_record_at_entry(task, nr, args, TG_FLAG_RETURN_UNKNOWN, 0);
    /* What was read is only the task's memory (or /proc entry) if the notification is still
     * alive; a call recorded from its registers alone needs no check. */
    int valid = tg_mon.task_reads == reads_before || ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &request.id) == 0;
    if (!valid)
        tg_output_rewind(mark);
    /* An exec is let go: a /proc/<pid>/mem descriptor opened now would read the old image (or,
     * after a vfork, the parent's memory), so the next read opens a new one. */
    if (task && tg_is_exec(nr))
        tg_memory_forget(task->tgid);
    if (valid && aims_at_gate) {
        refuse(listener, request.id, EPERM); /* an open of the gate's /proc entries */
        return 0;
    }
    if (valid && tg_settle() == TG_VERDICT_KILL) {
        refuse(listener, request.id, EPERM); /* the job is being killed on this record: the call never runs */
        return 0;
    }
    /* What follows from the call is noted before it runs, so that the monitor is back waiting
     * for notifications the moment the task goes on (an exit's SIGCHLD follows at once). exit
     * and exit_group cannot fail. */
    if (valid && task && tg_is_exit(nr))
        exit_notification(task, nr, args[0]);
    else if (valid && task && (tg_changes_creds(nr) || tg_is_exec(nr)))
        task->creds_stale = 1;
    let_continue(listener, request.id);
    return 0;
}

/* Reaps the job's processes that are the monitor's children. Returns 1 once none is left. */
static int reap(void)
{
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG | __WALL);
        if (pid > 0) {
            tg_task_exited(pid, status, 1);
            continue;
        }
        return pid < 0 && errno == ECHILD;
    }
}

static volatile sig_atomic_t child_exited;

static void on_child_exit(int signal)
{
    (void)signal;
    child_exited = 1;
}

/* Whether no task uses the filter any more (the listener hangs up). */
static int listener_hung_up(int listener)
{
    struct pollfd ready = {.fd = listener, .events = POLLIN};
    return poll(&ready, 1, 0) > 0 && (ready.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/* Blocks in SECCOMP_IOCTL_NOTIF_RECV itself, not in poll first: one syscall less per
 * notification, and with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP the kernel wakes a RECV waiter on
 * the notifying task's CPU as it does a poller. Signals end the wait: SIGCHLD (no SA_RESTART)
 * when a child exits, and the monitor's 20 ms SIGALRM timer for the periodic work (a SIGCHLD
 * that lands just before the wait is then handled a tick late at worst). */
void tg_seccomp_loop(int listener)
{
    received.listener = listener;
    tg_mon.sync_wake_up = ioctl(listener, set_flags_request, sync_wake_up_flag) == 0;
    wake.on = tg_mon.sync_wake_up;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_child_exit;
    sigaction(SIGCHLD, &action, NULL); /* unblocked since tg_monitor_main */
    int listening = 1;
    int64_t last_tick = 0;
    /* Answer until every process of the job has exited: an unanswered filter fails calls with ENOSYS. */
    for (;;) {
        int64_t now = tg_now_ns(CLOCK_MONOTONIC);
        int tick = now - last_tick >= 20000000;
        if (child_exited || tick) {
            child_exited = 0;
            if (reap())
                break;
        }
        if (tick) {
            tg_tick();
            last_tick = now;
        }
        if (!listening) {
            poll(NULL, 0, 20); /* until a child exits or the next tick */
            continue;
        }
        if (handle_notification(listener) == -ENOENT && !received.count && listener_hung_up(listener))
            listening = 0;
    }
    received.listener = -1;
    close(listener);
}
