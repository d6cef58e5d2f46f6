/* The monitor process: setup, the job's first process, the task table, the record stream,
 * reading the job's memory and /proc, and the grace period. See ptrace_monitor.h. */
#include "ptrace_monitor.h"

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

#define TASK_CAPACITY 16384 /* threads alive at once; a power of two */
#define STASH_COUNT 64
#define OUTPUT_SIZE (256 * 1024)
#define OUTPUT_FLUSH_AT (OUTPUT_SIZE - 4 * TG_RECORD_MAX)

struct tg_monitor_state tg_mon;

static struct tg_task *tasks;
static struct stash {
    uint16_t length;
    uint8_t used;
    char data[TG_PAYLOAD_MAX];
} *stashes;
static char *output;
static size_t output_used;
static char *record_area;  /* the record being built */
static size_t record_used;
static pid_t killed[TG_MONITOR_KILLED_MAX];
static size_t killed_count;

/* ---- small helpers ---------------------------------------------------------------------- */

int64_t tg_now_ns(int clock)
{
    struct timespec now;
    clock_gettime(clock, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

char *tg_append(char *at, const char *end, const char *text)
{
    while (*text && at < end - 1)
        *at++ = *text++;
    *at = 0;
    return at;
}

char *tg_append_number(char *at, const char *end, long long value)
{
    char digits[24];
    int n = 0;
    unsigned long long magnitude = value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude && n < 23);
    if (value < 0 && at < end - 1)
        *at++ = '-';
    while (n > 0 && at < end - 1)
        *at++ = digits[--n];
    *at = 0;
    return at;
}

static char *proc_path(char *buffer, size_t capacity, pid_t pid, const char *leaf)
{
    char *at = tg_append(buffer, buffer + capacity, "/proc/");
    at = tg_append_number(at, buffer + capacity, pid);
    tg_append(at, buffer + capacity, leaf);
    return buffer;
}

static void write_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t sent = write(fd, data, length);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent <= 0) {
            /* The gate is gone: nobody watches the job any more. */
            if (tg_mon.setup->mode == TG_MONITOR_PTRACE)
                _exit(70); /* PTRACE_O_EXITKILL takes the job down */
            kill(-tg_mon.main_pid, SIGKILL);
            kill(tg_mon.main_pid, SIGKILL);
            _exit(70);
        }
        data += sent;
        length -= (size_t)sent;
    }
}

/* ---- task table: open addressing, linear probing, backward-shift deletion ---------------- */

static size_t slot_of(pid_t tid)
{
    return ((uint32_t)tid * 2654435761u) & (TASK_CAPACITY - 1);
}

struct tg_task *tg_task_find(pid_t tid)
{
    for (size_t i = slot_of(tid), n = 0; n < TASK_CAPACITY; i = (i + 1) & (TASK_CAPACITY - 1), n++) {
        if (tasks[i].tid == tid)
            return &tasks[i];
        if (tasks[i].tid == 0)
            return NULL;
    }
    return NULL;
}

struct tg_task *tg_task_add(pid_t tid)
{
    struct tg_task *found = tg_task_find(tid);
    if (found)
        return found;
    for (size_t i = slot_of(tid), n = 0; n < TASK_CAPACITY - 1; i = (i + 1) & (TASK_CAPACITY - 1), n++) {
        if (tasks[i].tid == 0) {
            memset(&tasks[i], 0, sizeof(tasks[i]));
            tasks[i].tid = tid;
            tasks[i].tgid = tid;
            tasks[i].stash = -1;
            return &tasks[i];
        }
    }
    return NULL;
}

void tg_task_remove(pid_t tid)
{
    struct tg_task *task = tg_task_find(tid);
    if (!task)
        return;
    tg_stash_release(&task->stash);
    size_t hole = (size_t)(task - tasks);
    tasks[hole].tid = 0;
    for (size_t i = (hole + 1) & (TASK_CAPACITY - 1); tasks[i].tid != 0; i = (i + 1) & (TASK_CAPACITY - 1)) {
        size_t home = slot_of(tasks[i].tid);
        /* Move the entry into the hole when its home is not between the hole and it. */
        int between = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (!between) {
            tasks[hole] = tasks[i];
            tasks[i].tid = 0;
            hole = i;
        }
    }
}

void tg_task_each(int (*visit)(struct tg_task *task, void *context), void *context)
{
    for (size_t i = 0; i < TASK_CAPACITY; i++)
        if (tasks[i].tid != 0 && visit(&tasks[i], context))
            return;
}

/* ---- exec path stash ----------------------------------------------------------------------- */

int tg_stash_take(void)
{
    for (int i = 0; i < STASH_COUNT; i++)
        if (!stashes[i].used) {
            stashes[i].used = 1;
            stashes[i].length = 0;
            return i;
        }
    return -1;
}

char *tg_stash_data(int index, uint16_t **length)
{
    *length = &stashes[index].length;
    return stashes[index].data;
}

void tg_stash_release(int *index)
{
    if (*index >= 0)
        stashes[*index].used = 0;
    *index = -1;
}

/* ---- records --------------------------------------------------------------------------------- */

int tg_wants(int nr)
{
    const struct tg_capture_config *config = tg_mon.setup->config;
    return nr >= 0 && nr < TG_MAX_SYSCALLS && (config->wanted_syscalls[nr / 64] >> (nr % 64)) & 1;
}

pid_t tg_report_pid(pid_t pid)
{
    return pid == tg_mon.self ? tg_mon.setup->gate_pid : pid;
}

struct tg_record *tg_record_begin(uint8_t kind, const struct tg_task *task)
{
    struct tg_record *record = (struct tg_record *)record_area;
    memset(record, 0, sizeof(*record));
    record->kind = kind;
    record->syscall = -1;
    record->timestamp_ns = (uint64_t)tg_now_ns(CLOCK_BOOTTIME);
    if (task) {
        record->pid = task->tgid;
        record->tid = task->tid;
        record->ppid = tg_report_pid(task->ppid);
        record->uid = task->uid;
        record->gid = task->gid;
    }
    record_used = sizeof(*record);
    return record;
}

void tg_record_bytes(uint16_t slot, const void *data, size_t length, int truncated)
{
    struct tg_record *record = (struct tg_record *)record_area;
    if (length > TG_PAYLOAD_MAX) {
        length = TG_PAYLOAD_MAX;
        truncated = 1;
    }
    if (record_used + sizeof(struct tg_payload) + length + 8 > TG_RECORD_MAX)
        return;
    struct tg_payload header = {.slot = slot, .length = (uint16_t)length};
    memcpy(record_area + record_used, &header, sizeof(header));
    if (length)
        memcpy(record_area + record_used + sizeof(header), data, length);
    size_t padded = (length + 7) & ~(size_t)7;
    memset(record_area + record_used + sizeof(header) + length, 0, padded - length);
    record_used += sizeof(header) + padded;
    record->payload_count++;
    if (truncated)
        record->flags |= TG_FLAG_PAYLOAD_TRUNCATED;
}

ssize_t tg_read_remote(pid_t tid, uint64_t address, void *buffer, size_t length)
{
    if (!address || !length)
        return 0;
    /* Split at the first page boundary: a string may end just before an unmapped page. */
    size_t first = 4096 - (size_t)(address & 4095);
    if (first > length)
        first = length;
    struct iovec local = {.iov_base = buffer, .iov_len = length};
    struct iovec remote[2] = {{.iov_base = (void *)(uintptr_t)address, .iov_len = first},
                              {.iov_base = (void *)(uintptr_t)(address + first), .iov_len = length - first}};
    return process_vm_readv(tid, &local, 1, remote, length > first ? 2 : 1, 0);
}

int tg_record_remote_string(pid_t tid, uint16_t slot, uint64_t address)
{
    char buffer[TG_PAYLOAD_MAX];
    ssize_t got = tg_read_remote(tid, address, buffer, sizeof(buffer));
    if (got <= 0) {
        ((struct tg_record *)record_area)->flags |= TG_FLAG_PAYLOAD_FAILED;
        tg_record_bytes(slot, NULL, 0, 0);
        return -1;
    }
    size_t length = strnlen(buffer, (size_t)got);
    /* No NUL in a full read: the eBPF program keeps PAYLOAD_MAX - 1 bytes and flags it. */
    int truncated = length == (size_t)got && got == (ssize_t)sizeof(buffer);
    if (truncated)
        length = sizeof(buffer) - 1;
    tg_record_bytes(slot, buffer, length, truncated);
    return (int)length;
}

static void record_remote_bytes(pid_t tid, uint16_t slot, uint64_t address, size_t length)
{
    char buffer[128];
    if (length > sizeof(buffer))
        length = sizeof(buffer);
    if (tg_read_remote(tid, address, buffer, length) != (ssize_t)length) {
        ((struct tg_record *)record_area)->flags |= TG_FLAG_PAYLOAD_FAILED;
        length = 0;
    }
    tg_record_bytes(slot, buffer, length, 0);
}

void tg_record_arguments(pid_t tid, int nr, const uint64_t args[6], int at_entry)
{
    const struct tg_record *record = (const struct tg_record *)record_area;
    if (nr < 0 || nr >= TG_MAX_SYSCALLS)
        return;
    for (int i = 0; i < 6 && record->payload_count < TG_MAX_PAYLOADS; i++) {
        int kind = tg_mon.setup->config->arg_kinds[nr][i];
        if (kind == TG_ARG_NONE || !args[i])
            continue;
        if (kind == TG_ARG_STRING) {
            tg_record_remote_string(tid, (uint16_t)(TG_SLOT_ARG0 + i), args[i]);
        } else if (kind == TG_ARG_FD_PAIR) {
            if (!at_entry)
                record_remote_bytes(tid, (uint16_t)(TG_SLOT_ARG0 + i), args[i], 2 * sizeof(int));
        } else if (kind == TG_ARG_SOCKADDR_LEN_NEXT && i < 5) {
            record_remote_bytes(tid, (uint16_t)(TG_SLOT_ARG0 + i), args[i], (size_t)args[i + 1]);
        } else if (kind == TG_ARG_SOCKADDR_LEN_PTR_NEXT && i < 5 && !at_entry) {
            int length = 0;
            tg_read_remote(tid, args[i + 1], &length, sizeof(length));
            record_remote_bytes(tid, (uint16_t)(TG_SLOT_ARG0 + i), args[i], length > 0 ? (size_t)length : 0);
        }
    }
}

void tg_record_finish(void)
{
    struct tg_record *record = (struct tg_record *)record_area;
    record->size = (uint32_t)record_used;
    if (output_used + record_used > OUTPUT_SIZE)
        tg_output_flush();
    memcpy(output + output_used, record_area, record_used);
    output_used += record_used;
    if (record->kind < 0x80)
        tg_mon.records++;
}

size_t tg_output_mark(void)
{
    if (output_used > OUTPUT_FLUSH_AT)
        tg_output_flush();
    return output_used;
}

void tg_output_rewind(size_t mark)
{
    if (mark <= output_used)
        output_used = mark;
}

void tg_output_flush(void)
{
    if (output_used)
        write_all(tg_mon.setup->out_fd, output, output_used);
    output_used = 0;
}

void tg_message(uint8_t kind, pid_t pid, int64_t ret, const uint64_t *args, const char *text)
{
    struct tg_record *record = tg_record_begin(kind, NULL);
    record->pid = record->tid = pid;
    record->ret = ret;
    if (args)
        memcpy(record->args, args, sizeof(record->args));
    if (text)
        tg_record_bytes(TG_SLOT_ARG0, text, strlen(text), 0);
    tg_record_finish();
}

/* ---- reading the job ------------------------------------------------------------------------ */

ssize_t tg_read_file(const char *path, char *buffer, size_t capacity)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t total = 0;
    while (total < capacity) {
        ssize_t got = read(fd, buffer + total, capacity - total);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        total += (size_t)got;
    }
    close(fd);
    return (ssize_t)total;
}

static long field_after(const char *text, size_t length, const char *name, int index)
{
    size_t name_length = strlen(name);
    for (size_t i = 0; i + name_length < length; i++) {
        if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, name, name_length) == 0) {
            const char *at = text + i + name_length;
            const char *end = text + length;
            for (int field = 0; field <= index; field++) {
                while (at < end && (*at == ' ' || *at == '\t'))
                    at++;
                long value = 0;
                int digits = 0;
                while (at < end && *at >= '0' && *at <= '9') {
                    value = value * 10 + (*at++ - '0');
                    digits++;
                }
                if (!digits)
                    return -1;
                if (field == index)
                    return value;
            }
        }
    }
    return -1;
}

int tg_proc_status(pid_t tid, struct tg_proc_facts *facts)
{
    char path[64], text[2048];
    ssize_t length = tg_read_file(proc_path(path, sizeof(path), tid, "/status"), text, sizeof(text));
    if (length <= 0)
        return -1;
    facts->tgid = (pid_t)field_after(text, (size_t)length, "Tgid:", 0);
    facts->ppid = (pid_t)field_after(text, (size_t)length, "PPid:", 0);
    facts->uid = (uint32_t)field_after(text, (size_t)length, "Uid:", 1);
    facts->gid = (uint32_t)field_after(text, (size_t)length, "Gid:", 1);
    facts->threads = (int)field_after(text, (size_t)length, "Threads:", 0);
    return facts->tgid > 0 ? 0 : -1;
}

void tg_refresh_creds(struct tg_task *task)
{
    struct tg_proc_facts facts;
    if (tg_proc_status(task->tid, &facts) == 0) {
        task->uid = facts.uid;
        task->gid = facts.gid;
    }
    task->creds_stale = 0;
}

int tg_is_exec(int nr)
{
    return nr == SYS_execve || nr == SYS_execveat;
}

int tg_is_exit(int nr)
{
    return nr == SYS_exit || nr == SYS_exit_group;
}

int tg_is_setid(int nr)
{
    return nr == SYS_setuid || nr == SYS_setgid || nr == SYS_setreuid || nr == SYS_setregid ||
           nr == SYS_setresuid || nr == SYS_setresgid || nr == SYS_setfsuid || nr == SYS_setfsgid;
}

size_t tg_exec_filename(int nr, const uint64_t args[6], const char *path, size_t path_length, char *out, size_t capacity)
{
    char *at = out, *end = out + capacity;
    int dirfd = (int)args[0];
    if (nr == SYS_execveat && path[0] != '/' && dirfd != AT_FDCWD) {
        /* What the kernel names such an image: /dev/fd/N, or /dev/fd/N/path. */
        at = tg_append(at, end, "/dev/fd/");
        at = tg_append_number(at, end, dirfd);
        if (path_length)
            at = tg_append(at, end, "/");
    }
    size_t room = (size_t)(end - at) - 1;
    size_t copied = path_length < room ? path_length : room;
    memcpy(at, path, copied);
    at[copied] = 0;
    return (size_t)(at - out) + copied;
}

/* ---- lifecycle ----------------------------------------------------------------------------- */

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
    /* Zombies have ended already; only running processes count as killed. */
    ssize_t length = tg_read_file(proc_path(path, sizeof(path), pid, "/stat"), state, sizeof(state) - 1);
    if (length <= 0)
        return;
    state[length] = 0;
    const char *paren = strrchr(state, ')');
    if (paren && paren[1] == ' ' && paren[2] == 'Z')
        return;
    if (kill(pid, SIGKILL) == 0)
        note_killed(pid);
}

static int kill_process(struct tg_task *task, void *context)
{
    (void)context;
    if (task->tid == task->tgid && task->tid != tg_mon.main_pid)
        kill_pid(task->tid);
    return 0;
}

/* Kills every process of the job: the known ones and the monitor's children (orphans). */
static void kill_remaining(void)
{
    tg_task_each(kill_process, NULL);
    char path[64], list[4096];
    char *at = proc_path(path, sizeof(path), tg_mon.self, "/task/");
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

void tg_tick(void)
{
    tg_output_flush();
    char byte;
    ssize_t got;
    while ((got = read(tg_mon.setup->control_fd, &byte, 1)) == 1)
        if (byte == TG_CONTROL_CANCEL)
            tg_mon.cancelled = 1;
    if (got == 0)
        tg_mon.cancelled = 1; /* the gate closed its end: end the run */
    if (tg_mon.main_ended && (tg_mon.cancelled || tg_now_ns(CLOCK_MONOTONIC) >= tg_mon.grace_deadline_ns))
        tg_mon.killing = 1;
    if (tg_mon.killing)
        kill_remaining();
    tg_output_flush();
}

/* ---- setup ------------------------------------------------------------------------------------ */

static void *map(size_t size, int shared)
{
    void *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
    return memory == MAP_FAILED ? NULL : memory;
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
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    char go = 0;
    ssize_t got;
    while ((got = read(release_fd, &go, 1)) < 0 && errno == EINTR) {
    }
    if (got != 1 || go != TG_CONTROL_RELEASE)
        _exit(127); /* never run the job unobserved */
    unsigned int flags = setup->mode == TG_MONITOR_SECCOMP ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
    long installed = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &setup->filter);
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
    _exit(127);
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
    tasks = map(TASK_CAPACITY * sizeof(struct tg_task), 0);
    stashes = map(STASH_COUNT * sizeof(struct stash), 0);
    output = map(OUTPUT_SIZE, 0);
    record_area = map(TG_RECORD_MAX, 0);
    tg_mon.handoff = map(4096, 1);
    if (!tasks || !stashes || !output || !record_area || !tg_mon.handoff)
        _exit(70);
    tg_mon.handoff->listener = -1;

    /* The gate forwards cancelling signals itself; a terminal's ^C must not end the monitor. */
    static const int ignored[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
    for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
        signal(ignored[i], SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != setup->gate_pid)
        _exit(70);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        fail("becoming the job's child subreaper", errno);
    int flags = fcntl(setup->control_fd, F_GETFL);
    fcntl(setup->control_fd, F_SETFL, flags | O_NONBLOCK);
    fcntl(setup->out_fd, F_SETPIPE_SZ, 1 << 20);

    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGCHLD);
    sigprocmask(setup->mode == TG_MONITOR_SECCOMP ? SIG_BLOCK : SIG_UNBLOCK, &blocked, NULL);
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGALRM); /* the gate's thread may block it; the tracer's ticks need it */
    sigprocmask(SIG_UNBLOCK, &blocked, NULL);

    int release[2];
    if (pipe2(release, O_CLOEXEC) != 0)
        fail("pipe2", errno);
    pid_t child = setup->mode == TG_MONITOR_SECCOMP
                      ? (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0)
                      : fork();
    if (child == 0)
        job_child(release[0]);
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

    if (setup->mode == TG_MONITOR_PTRACE) {
        close(release[0]);
        close(release[1]);
        struct sigaction action;
        memset(&action, 0, sizeof(action));
        action.sa_handler = on_alarm; /* no SA_RESTART: interrupts waitpid for periodic work */
        sigaction(SIGALRM, &action, NULL);
        struct itimerval every = {{0, 20000}, {0, 20000}};
        setitimer(ITIMER_REAL, &every, NULL);
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
                        (uint64_t)tg_mon.sync_wake_up};
    if (!tg_mon.main_ended)
        tg_main_ended(tg_mon.main_status);
    tg_message(TG_MSG_DONE, tg_mon.main_pid, 0, done, NULL);
    tg_output_flush();
    _exit(0);
}
