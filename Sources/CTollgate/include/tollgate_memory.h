/* Ways of reading a job's memory, as the ptrace and seccomp backends (and doctor) try them. */
#ifndef TOLLGATE_MEMORY_H
#define TOLLGATE_MEMORY_H

#include <stdint.h>

/* In the order they are tried. A default Docker container refuses process_vm_readv (its
 * seccomp profile wants CAP_SYS_PTRACE) but lets a process pread its child's /proc/<pid>/mem. */
enum tg_read_method {
    TG_READ_NONE = -1,
    TG_READ_VM = 0,        /* process_vm_readv */
    TG_READ_PROC_MEM = 1,  /* pread of /proc/<pid>/mem */
    TG_READ_PEEKDATA = 2,  /* PTRACE_PEEKDATA, a word at a time: only a tracer, tracee stopped */
    TG_READ_METHODS = 3,
};

/* What one reader did: which method it chose at its probe and how each read went. */
struct tg_memory_reads {
    int method;                         /* enum tg_read_method chosen at the probe */
    int probe_errno[TG_READ_METHODS];   /* why each method failed at the probe (0: it worked or was not tried) */
    uint64_t reads[TG_READ_METHODS];    /* reads served by each method */
    uint64_t failed;                    /* reads no method could serve */
};

/* "process_vm_readv", "/proc/<pid>/mem", "PTRACE_PEEKDATA". */
const char *tg_read_method_name(int method);

#endif
