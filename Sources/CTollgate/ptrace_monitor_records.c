/* The monitor's record stream: building struct tg_record in the one layout, payloads read
 * from the job's memory, batching to the gate; and reading /proc. */
#include "ptrace_monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define OUTPUT_SIZE (1024 * 1024)
#define OUTPUT_FLUSH_AT (OUTPUT_SIZE - 4 * TG_RECORD_MAX)

static char *output;
static size_t output_used;
static char *record_area; /* the record being built */
static size_t record_used;
static char *argv_area;   /* a command line being read */
static struct tg_credentials record_credentials; /* appended by tg_record_finish when known */
static int record_has_credentials;

void *tg_map(size_t size, int shared)
{
    void *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
    return memory == MAP_FAILED ? NULL : memory;
}

int tg_records_allocate(void)
{
    output = tg_map(OUTPUT_SIZE, 0);
    record_area = tg_map(TG_RECORD_MAX, 0);
    argv_area = tg_map(TG_ARGV_MAX + 1, 0);
    return output && record_area && argv_area ? 0 : -1;
}

char *tg_argv_area(void)
{
    return argv_area;
}


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

char *tg_proc_path(char *buffer, size_t capacity, pid_t pid, const char *leaf)
{
    char *at = tg_append(buffer, buffer + capacity, "/proc/");
    at = tg_append_number(at, buffer + capacity, pid);
    tg_append(at, buffer + capacity, leaf);
    return buffer;
}

static void write_all(int fd, const char *data, size_t length)
{
    while (length > 0 && !tg_mon.gate_gone) {
        ssize_t sent = write(fd, data, length);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent <= 0) {
            /* Nobody watches the job any more: it is killed (tg_tick), and the monitor goes on
             * answering and reaping until it is gone, so no call fails with ENOSYS meanwhile. */
            tg_mon.gate_gone = 1;
            return;
        }
        data += sent;
        length -= (size_t)sent;
    }
}

int tg_wants(int nr)
{
    const struct tg_capture_config *config = tg_mon.setup->config;
    return nr >= 0 && nr < TG_MAX_SYSCALLS && (config->wanted_syscalls[nr / 64] >> (nr % 64)) & 1;
}

int tg_follows_exit(int nr)
{
    const uint64_t *exits = tg_mon.setup->exit_syscalls;
    if (!exits || tg_is_exec(nr) || tg_changes_creds(nr))
        return 1;
    return nr >= 0 && nr < TG_MAX_SYSCALLS && (exits[nr / 64] >> (nr % 64)) & 1;
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
    record_has_credentials = task && task->caps_known;
    if (record_has_credentials)
        record_credentials = task->caps;
    record_used = sizeof(*record);
    return record;
}

void tg_record_set_credentials(const struct tg_credentials *credentials)
{
    record_credentials = *credentials;
    record_has_credentials = 1;
}

void tg_record_bytes(uint16_t slot, const void *data, size_t length, int truncated)
{
    struct tg_record *record = (struct tg_record *)record_area;
    size_t limit = slot == TG_SLOT_ARGV ? TG_ARGV_MAX : TG_PAYLOAD_MAX;
    if (length > limit) {
        length = limit;
        truncated = 1;
    }
    if (record_used + sizeof(struct tg_payload) + length + 8 > TG_RECORD_MAX)
        return;
    struct tg_payload header = {.slot = slot, .length = (uint32_t)length};
    memcpy(record_area + record_used, &header, sizeof(header));
    if (length)
        memcpy(record_area + record_used + sizeof(header), data, length);
    size_t padded = (length + 7) & ~(size_t)7;
    memset(record_area + record_used + sizeof(header) + length, 0, padded - length);
    record_used += sizeof(header) + padded;
    record->payload_count++;
    if (truncated)
        record->flags |= TG_FLAG_PAYLOAD_TRUNCATED | (slot == TG_SLOT_ARGV ? TG_FLAG_ARGV_TRUNCATED : 0);
}

static struct tg_memory_reader reader;

void tg_reader_setup(pid_t child, int traced)
{
    /* A marker of this image, at the same address in the forked child. */
    static const char marker[] = "tollgate memory probe";
    tg_memory_init(&reader, traced);
    tg_memory_probe(&reader, child, (uint64_t)(uintptr_t)marker, marker, sizeof(marker), 0);
}

const struct tg_memory_reads *tg_reader_stats(void)
{
    return &reader.stats;
}

ssize_t tg_read_remote(const struct tg_task *task, uint64_t address, void *buffer, size_t length)
{
    if (!address || !length)
        return 0;
    tg_mon.task_reads++;
    return tg_memory_read(&reader, task->tid, task->tgid, address, buffer, length);
}

ssize_t tg_read_remote_string(const struct tg_task *task, uint64_t address, char *buffer, size_t capacity)
{
    size_t first = 256 - (size_t)(address & 255); /* within one page: all or nothing */
    if (first >= capacity)
        return tg_read_remote(task, address, buffer, capacity);
    ssize_t got = tg_read_remote(task, address, buffer, first);
    if (got < (ssize_t)first || memchr(buffer, 0, first))
        return got;
    ssize_t rest = tg_read_remote(task, address + first, buffer + first, capacity - first);
    return (ssize_t)first + (rest > 0 ? rest : 0);
}

void tg_record_failed_read(void)
{
    ((struct tg_record *)record_area)->flags |= TG_FLAG_PAYLOAD_FAILED;
}

int tg_record_remote_string(const struct tg_task *task, uint16_t slot, uint64_t address)
{
    char buffer[TG_PAYLOAD_MAX];
    ssize_t got = tg_read_remote_string(task, address, buffer, sizeof(buffer));
    if (got <= 0) {
        /* No payload: the slot stays absent, so the value is unknown rather than empty. */
        tg_record_failed_read();
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

static void record_remote_bytes(const struct tg_task *task, uint16_t slot, uint64_t address, size_t length)
{
    char buffer[128];
    if (length > sizeof(buffer))
        length = sizeof(buffer);
    if (tg_read_remote(task, address, buffer, length) != (ssize_t)length) {
        tg_record_failed_read();
        return;
    }
    tg_record_bytes(slot, buffer, length, 0);
}

char *tg_record_payload(uint16_t slot, size_t *length)
{
    const struct tg_record *record = (const struct tg_record *)record_area;
    size_t at = sizeof(*record);
    for (int i = 0; i < record->payload_count && at + sizeof(struct tg_payload) <= record_used; i++) {
        struct tg_payload header;
        memcpy(&header, record_area + at, sizeof(header));
        if (header.slot == slot) {
            *length = header.length;
            return record_area + at + sizeof(header);
        }
        at += sizeof(header) + ((header.length + 7) & ~7u);
    }
    return NULL;
}

void tg_record_patch_word(uint16_t slot, uint64_t mask, uint64_t value)
{
    size_t length = 0;
    char *bytes = tg_record_payload(slot, &length);
    if (!bytes || length < sizeof(uint64_t))
        return;
    uint64_t word;
    memcpy(&word, bytes, sizeof(word));
    word = (word & ~mask) | (value & mask);
    memcpy(bytes, &word, sizeof(word));
}

void tg_record_patch_bytes(uint16_t slot, size_t offset, const void *data, size_t length)
{
    size_t available = 0;
    char *bytes = tg_record_payload(slot, &available);
    if (bytes && offset + length <= available)
        memcpy(bytes + offset, data, length);
}

/* sendmmsg: whether the first `count` messages of `vector` do not all go to the first one's
 * destination (or cannot be read, or are more than the capture compares; see TG_ARG_MESSAGE_NAME). */
static int messages_go_elsewhere(const struct tg_task *task, uint64_t vector, uint64_t count)
{
    char first[128], name[128];
    struct tg_message_name header;
    size_t first_length = 0;
    if (count > TG_MMSG_CHECKED)
        return 1;
    for (uint64_t i = 0; i < count; i++) {
        if (tg_read_remote(task, vector + i * TG_MMSGHDR_SIZE, &header, sizeof(header)) != (ssize_t)sizeof(header) ||
            header.name_length > sizeof(name))
            return 1;
        char *into = i == 0 ? first : name;
        if (header.name && header.name_length &&
            tg_read_remote(task, header.name, into, header.name_length) != (ssize_t)header.name_length)
            return 1;
        size_t length = header.name ? header.name_length : 0;
        if (i == 0)
            first_length = length;
        else if (length != first_length || memcmp(first, name, length) != 0)
            return 1;
    }
    return 0;
}

/* The sockaddr a message header's msg_name points to (TG_ARG_MESSAGE_NAME). */
static void record_message_name(const struct tg_task *task, int nr, uint16_t slot, const uint64_t args[6])
{
    struct tg_message_name header;
    if (tg_read_remote(task, args[1], &header, sizeof(header)) != (ssize_t)sizeof(header)) {
        tg_record_failed_read();
        return;
    }
    if (header.name)
        record_remote_bytes(task, slot, header.name, header.name_length);
    if (nr == SYS_sendmmsg && messages_go_elsewhere(task, args[1], args[2]))
        tg_record_failed_read();
}

void tg_record_arguments(const struct tg_task *task, int nr, const uint64_t args[6], int at_entry)
{
    const struct tg_record *record = (const struct tg_record *)record_area;
    if (nr < 0 || nr >= TG_MAX_SYSCALLS)
        return;
    for (int i = 0; i < 6 && record->payload_count < TG_MAX_PAYLOADS; i++) {
        int kind = tg_mon.setup->config->arg_kinds[nr][i];
        if (kind == TG_ARG_NONE || !args[i])
            continue;
        if (kind == TG_ARG_STRING) {
            tg_record_remote_string(task, (uint16_t)(TG_SLOT_ARG0 + i), args[i]);
        } else if (kind == TG_ARG_FD_PAIR) {
            if (!at_entry)
                record_remote_bytes(task, (uint16_t)(TG_SLOT_ARG0 + i), args[i], 2 * sizeof(int));
        } else if ((kind == TG_ARG_SOCKADDR_LEN_NEXT || kind == TG_ARG_STRUCT_LEN_NEXT) && i < 5) {
            record_remote_bytes(task, (uint16_t)(TG_SLOT_ARG0 + i), args[i], (size_t)args[i + 1]);
        } else if (kind == TG_ARG_MESSAGE_NAME && i == 1 && !(at_entry && nr == SYS_recvmsg)) {
            record_message_name(task, nr, (uint16_t)(TG_SLOT_ARG0 + i), args);
        } else if (kind == TG_ARG_SOCKADDR_LEN_PTR_NEXT && i < 5 && !at_entry) {
            int length = 0;
            tg_read_remote(task, args[i + 1], &length, sizeof(length));
            record_remote_bytes(task, (uint16_t)(TG_SLOT_ARG0 + i), args[i], length > 0 ? (size_t)length : 0);
        }
    }
}

void tg_record_finish(void)
{
    struct tg_record *record = (struct tg_record *)record_area;
    if (record_has_credentials)
        tg_record_bytes(TG_SLOT_CREDENTIALS, &record_credentials, sizeof(record_credentials), 0);
    record_has_credentials = 0;
    record->size = (uint32_t)record_used;
    if (output_used + record_used > OUTPUT_SIZE)
        tg_output_flush();
    /* A refused call (denied, or aimed at the gate) never waits: its caller goes on at once. Once
     * the job is being killed nothing waits either. */
    if ((record->kind == TG_KIND_SYSCALL || record->kind == TG_KIND_EXEC) && !tg_mon.job_killed &&
        !(record->flags & (TG_FLAG_DENIED | TG_FLAG_GATE_TARGET))) {
        int nr = record->kind == TG_KIND_EXEC ? SYS_execve : record->syscall;
        if ((record->flags & TG_FLAG_AWAITS_VERDICT) ||
            tg_holds(nr) || (record->kind == TG_KIND_EXEC && tg_holds(SYS_execveat))) {
            record->flags |= TG_FLAG_AWAITS_VERDICT;
            tg_mon.verdict_pending = 1;
        }
    }
    memcpy(output + output_used, record_area, record_used);
    output_used += record_used;
    if (record->kind < 0x80)
        tg_mon.records++;
}

int tg_record_at_entry(const struct tg_task *task, int nr, const uint64_t args[6], uint16_t flags, int64_t ret)
{
    struct tg_record *record = tg_record_begin(TG_KIND_SYSCALL, task);
    record->syscall = nr;
    record->flags |= flags;
    record->ret = ret;
    memcpy(record->args, args, sizeof(record->args));
    tg_record_arguments(task, nr, args, 1);
    int aims_at_gate = tg_is_open(nr) && !(flags & TG_FLAG_DENIED) && tg_record_entry_path(task, nr, args);
    if (aims_at_gate) {
        uint16_t undecided = TG_FLAG_RETURN_UNKNOWN | TG_FLAG_AWAITS_VERDICT | TG_FLAG_PROBE;
        record->flags = (uint16_t)((record->flags & ~undecided) | TG_FLAG_GATE_TARGET);
        record->ret = -EPERM;
    }
    tg_record_finish();
    return aims_at_gate;
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
    tg_mon.verdict_pending = 0; /* a record awaiting a verdict is never rewound once sent */
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


ssize_t tg_read_file(const char *path, char *buffer, size_t capacity)
{
    tg_mon.task_reads++;
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

/* The hexadecimal number after `name` at the start of a line of `text`; -1 when absent. */
static int hex_after(const char *text, size_t length, const char *name, uint64_t *value)
{
    size_t name_length = strlen(name);
    for (size_t i = 0; i + name_length < length; i++) {
        if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, name, name_length) == 0) {
            const char *at = text + i + name_length, *end = text + length;
            while (at < end && (*at == ' ' || *at == '\t'))
                at++;
            uint64_t result = 0;
            int digits = 0;
            for (; at < end && digits < 16; at++, digits++) {
                char c = *at;
                int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (digit < 0)
                    break;
                result = result << 4 | (uint64_t)digit;
            }
            *value = result;
            return digits ? 0 : -1;
        }
    }
    return -1;
}

int tg_proc_status(pid_t tid, struct tg_proc_facts *facts)
{
    char path[64], text[2048];
    ssize_t length = tg_read_file(tg_proc_path(path, sizeof(path), tid, "/status"), text, sizeof(text));
    if (length <= 0)
        return -1;
    facts->tgid = (pid_t)field_after(text, (size_t)length, "Tgid:", 0);
    facts->ppid = (pid_t)field_after(text, (size_t)length, "PPid:", 0);
    facts->uid = (uint32_t)field_after(text, (size_t)length, "Uid:", 1);
    facts->gid = (uint32_t)field_after(text, (size_t)length, "Gid:", 1);
    facts->fsuid = (uint32_t)field_after(text, (size_t)length, "Uid:", 3);
    facts->fsgid = (uint32_t)field_after(text, (size_t)length, "Gid:", 3);
    facts->threads = (int)field_after(text, (size_t)length, "Threads:", 0);
    facts->caps_known = hex_after(text, (size_t)length, "CapInh:", &facts->caps.inheritable) == 0 &&
                        hex_after(text, (size_t)length, "CapPrm:", &facts->caps.permitted) == 0 &&
                        hex_after(text, (size_t)length, "CapEff:", &facts->caps.effective) == 0;
    return facts->tgid > 0 ? 0 : -1;
}

void tg_refresh_creds(struct tg_task *task)
{
    struct tg_proc_facts facts;
    if (tg_proc_status(task->tid, &facts) == 0) {
        task->uid = facts.uid;
        task->gid = facts.gid;
        task->caps = facts.caps;
        task->caps_known = (uint8_t)facts.caps_known;
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

int tg_changes_creds(int nr)
{
    return tg_is_setid(nr) || nr == SYS_capset || nr == SYS_unshare || nr == SYS_setns;
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

