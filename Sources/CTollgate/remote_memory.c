/* Reading a job's memory (remote_memory.h): process_vm_readv, pread of /proc/<pid>/mem, or
 * PTRACE_PEEKDATA, whichever works. No malloc, no stdio: the monitor uses it after fork(). */
#include "remote_memory.h"
#include "ptrace_monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

/* Open /proc/<pid>/mem descriptors by process, direct-mapped: a collision closes the older. */
#define MEM_CACHE 256
static struct {
    pid_t tgid; /* 0: empty */
    int fd;
} cache[MEM_CACHE];

const char *tg_read_method_name(int method)
{
    switch (method) {
    case TG_READ_VM: return "process_vm_readv";
    case TG_READ_PROC_MEM: return "/proc/<pid>/mem";
    case TG_READ_PEEKDATA: return "PTRACE_PEEKDATA";
    default: return "none";
    }
}

void tg_memory_init(struct tg_memory_reader *reader, int allow_peek)
{
    memset(reader, 0, sizeof(*reader));
    reader->allow_peek = allow_peek;
    reader->stats.method = TG_READ_NONE;
}

static ssize_t read_vm(pid_t tid, uint64_t address, void *buffer, size_t length, int *error)
{
    /* Split at the first page boundary: a string may end just before an unmapped page. */
    size_t first = 4096 - (size_t)(address & 4095);
    if (first > length)
        first = length;
    struct iovec local = {.iov_base = buffer, .iov_len = length};
    struct iovec remote[2] = {{.iov_base = (void *)(uintptr_t)address, .iov_len = first},
                              {.iov_base = (void *)(uintptr_t)(address + first), .iov_len = length - first}};
    ssize_t got = process_vm_readv(tid, &local, 1, remote, length > first ? 2 : 1, 0);
    if (got <= 0)
        *error = got < 0 ? errno : EIO;
    return got > 0 ? got : -1;
}

static int open_mem(pid_t tid)
{
    char path[64];
    return open(tg_proc_path(path, sizeof(path), tid, "/mem"), O_RDONLY | O_CLOEXEC);
}

/* The kernel reads /proc/<pid>/mem page by page and returns the bytes before a page it cannot
 * read, like the split process_vm_readv; a descriptor whose process exec'd or ended reads 0. */
static ssize_t pread_mem(int fd, uint64_t address, void *buffer, size_t length, int *error)
{
    ssize_t got = pread(fd, buffer, length, (off_t)address);
    if (got <= 0)
        *error = got < 0 ? errno : ESRCH;
    return got > 0 ? got : -1;
}

static ssize_t read_proc_mem(pid_t tid, pid_t tgid, uint64_t address, void *buffer, size_t length, int *error)
{
    size_t slot = ((uint32_t)tgid * 2654435761u) % MEM_CACHE;
    int fresh = 0;
    for (;;) {
        if (cache[slot].tgid != tgid) {
            if (cache[slot].tgid)
                close(cache[slot].fd);
            cache[slot].tgid = 0;
            int fd = open_mem(tid);
            if (fd < 0) {
                *error = errno;
                return -1;
            }
            cache[slot].tgid = tgid;
            cache[slot].fd = fd;
            fresh = 1;
        }
        ssize_t got = pread_mem(cache[slot].fd, address, buffer, length, error);
        if (got > 0 || fresh)
            return got;
        /* Once more with a new descriptor: the process may have exec'd since this one was
         * opened (its old memory then reads 0 bytes, or fails with EIO while it lingers). */
        tg_memory_forget(tgid);
    }
}

static ssize_t read_peek(pid_t tid, uint64_t address, void *buffer, size_t length, int *error)
{
    size_t done = 0, skip = (size_t)(address & 7);
    uint64_t word_at = address - skip;
    while (done < length) {
        errno = 0;
        long word = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)word_at, 0);
        if (word == -1 && errno) {
            *error = errno;
            break;
        }
        size_t take = 8 - skip < length - done ? 8 - skip : length - done;
        memcpy((char *)buffer + done, (char *)&word + skip, take);
        done += take;
        skip = 0;
        word_at += 8;
    }
    return done ? (ssize_t)done : -1;
}

static ssize_t read_with(int method, pid_t tid, pid_t tgid, uint64_t address, void *buffer, size_t length, int *error)
{
    switch (method) {
    case TG_READ_VM: return read_vm(tid, address, buffer, length, error);
    case TG_READ_PROC_MEM: return read_proc_mem(tid, tgid, address, buffer, length, error);
    default: return read_peek(tid, address, buffer, length, error);
    }
}

int tg_memory_probe(struct tg_memory_reader *reader, pid_t tid, uint64_t address, const void *expected, size_t length,
                    int tid_stopped)
{
    char got[64];
    if (length > sizeof(got))
        length = sizeof(got);
    struct tg_memory_reads *stats = &reader->stats;
    stats->method = TG_READ_NONE;
    for (int method = 0; method < TG_READ_METHODS && stats->method == TG_READ_NONE; method++) {
        if (method == TG_READ_PEEKDATA && (!reader->allow_peek || !tid_stopped))
            continue;
        int error = 0;
        ssize_t n;
        if (method == TG_READ_PROC_MEM) {
            int fd = open_mem(tid);
            n = fd < 0 ? -1 : pread_mem(fd, address, got, length, &error);
            if (fd < 0)
                error = errno;
            else
                close(fd);
        } else {
            n = read_with(method, tid, tid, address, got, length, &error);
        }
        if (n == (ssize_t)length && memcmp(got, expected, length) == 0)
            stats->method = method;
        else
            stats->probe_errno[method] = n < 0 ? error : EPROTO; /* EPROTO: other bytes came back */
    }
    if (stats->method == TG_READ_NONE && reader->allow_peek && !tid_stopped)
        stats->method = TG_READ_PEEKDATA;
    return stats->method;
}

ssize_t tg_memory_read(struct tg_memory_reader *reader, pid_t tid, pid_t tgid, uint64_t address, void *buffer,
                       size_t length)
{
    if (!length)
        return 0;
    struct tg_memory_reads *stats = &reader->stats;
    int chosen = stats->method, error = 0;
    for (int i = -1; i < TG_READ_METHODS; i++) {
        int method = i < 0 ? chosen : i;
        if (method == TG_READ_NONE || (i >= 0 && method == chosen) ||
            (method == TG_READ_PEEKDATA && !reader->allow_peek))
            continue;
        ssize_t got = read_with(method, tid, tgid, address, buffer, length, &error);
        if (got > 0) {
            stats->reads[method]++;
            return got;
        }
    }
    stats->failed++;
    return -1;
}

void tg_memory_forget(pid_t tgid)
{
    size_t slot = ((uint32_t)tgid * 2654435761u) % MEM_CACHE;
    if (tgid && cache[slot].tgid == tgid) {
        close(cache[slot].fd);
        cache[slot].tgid = 0;
    }
}
