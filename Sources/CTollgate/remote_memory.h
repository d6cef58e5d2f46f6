/* Reading a job's memory with the first method that works (include/tollgate_memory.h): the
 * one chosen by a probe first, the others when it fails. Used by the monitor (no malloc, no
 * stdio: it is forked from a multi-threaded gate) and by the doctor's probes. */
#ifndef TOLLGATE_REMOTE_MEMORY_H
#define TOLLGATE_REMOTE_MEMORY_H

#include "tollgate_memory.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tg_memory_reader {
    int allow_peek;              /* the reader traces the tasks it reads and reads them stopped */
    struct tg_memory_reads stats;
};

void tg_memory_init(struct tg_memory_reader *reader, int allow_peek);

/* Reads `length` bytes at `address` in `tid` with each method in turn and compares them with
 * `expected`; chooses the first that returns them (TG_READ_NONE when none does) and notes why
 * the others failed. PTRACE_PEEKDATA is tried only when `tid_stopped` (and the reader may
 * peek); otherwise a tracer that found no other method chooses it untried. Opens and closes
 * its own /proc/<pid>/mem: nothing is cached. Returns the method chosen. */
int tg_memory_probe(struct tg_memory_reader *reader, pid_t tid, uint64_t address, const void *expected, size_t length,
                    int tid_stopped);

/* Reads up to `length` bytes at `address` in `tid` (of process `tgid`): the chosen method
 * first, then the others. A read that crosses a page boundary may return the bytes before
 * an unmapped page. Returns the bytes read, or -1 when no method could read any. */
ssize_t tg_memory_read(struct tg_memory_reader *reader, pid_t tid, pid_t tgid, uint64_t address, void *buffer,
                       size_t length);

/* Closes the cached /proc/<tgid>/mem: the process exec'd (the fd is bound to its old memory)
 * or ended. */
void tg_memory_forget(pid_t tgid);

#endif
