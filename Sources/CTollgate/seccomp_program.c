#include "seccomp_program.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Calls aimed at a process by pid, and which argument holds the pid. */
static const struct {
    int nr;
    unsigned int argument;
} aimed_calls[] = {
    {SCMP_SYS(ptrace), 1},          {SCMP_SYS(process_vm_readv), 0}, {SCMP_SYS(process_vm_writev), 0},
    {SCMP_SYS(kill), 0},            {SCMP_SYS(tkill), 0},            {SCMP_SYS(tgkill), 0},
    {SCMP_SYS(rt_sigqueueinfo), 0}, {SCMP_SYS(rt_tgsigqueueinfo), 0}, {SCMP_SYS(pidfd_open), 0},
};

static int protect(scmp_filter_ctx ctx, const pid_t *pids, size_t count)
{
    int err = 0;
    for (size_t p = 0; p < count && !err; p++)
        for (size_t i = 0; i < sizeof(aimed_calls) / sizeof(aimed_calls[0]) && !err; i++) {
            struct scmp_arg_cmp pid = {.arg = aimed_calls[i].argument, .op = SCMP_CMP_MASKED_EQ,
                                       .datum_a = 0xffffffffu, .datum_b = (uint32_t)pids[p]};
            err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), aimed_calls[i].nr, 1, pid);
        }
    return err;
}

/* Adds `action` for `nr`. libseccomp lets an unconditional rule override the EPERM rules of
 * a call aimed by pid, so such a call gets `action` through one rule per protected pid, "not
 * aimed at it": they cover every other target, and where one of them and an EPERM rule both
 * match, the filter's precedence (errno before notify or trace) refuses the call. */
static int add_wanted(scmp_filter_ctx ctx, uint32_t action, int nr, const pid_t *pids, size_t count)
{
    for (size_t i = 0; i < sizeof(aimed_calls) / sizeof(aimed_calls[0]) && count > 0; i++) {
        if (aimed_calls[i].nr != nr)
            continue;
        int err = 0;
        for (size_t p = 0; p < count && !err; p++) {
            struct scmp_arg_cmp other = {.arg = aimed_calls[i].argument, .op = SCMP_CMP_NE, .datum_a = (uint32_t)pids[p]};
            err = seccomp_rule_add(ctx, action, nr, 1, other);
        }
        return err;
    }
    return seccomp_rule_add(ctx, action, nr, 0);
}

void tg_seccomp_program_set_placeholder(struct sock_fprog *program, pid_t pid)
{
    for (unsigned short i = 0; i < program->len; i++)
        if (program->filter[i].code == (BPF_JMP | BPF_JEQ | BPF_K) && program->filter[i].k == TG_SECCOMP_PID_PLACEHOLDER)
            program->filter[i].k = (uint32_t)pid;
}

int tg_seccomp_program_build(const int *syscalls, size_t count, uint32_t action,
                             const pid_t *protected_pids, size_t protected_count,
                             struct sock_fprog *program)
{
    memset(program, 0, sizeof(*program));
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx)
        return -ENOMEM;
    int err = protect(ctx, protected_pids, protected_count);
    for (size_t i = 0; i < count && !err; i++)
        err = add_wanted(ctx, action, syscalls[i], protected_pids, protected_count);
    int fd = -1;
    if (!err) {
        fd = memfd_create("tollgate-seccomp", MFD_CLOEXEC);
        err = fd < 0 ? -errno : seccomp_export_bpf(ctx, fd);
    }
    if (!err) {
        off_t size = lseek(fd, 0, SEEK_END);
        void *filter = size > 0 ? malloc((size_t)size) : NULL;
        if (!filter)
            err = -ENOMEM;
        else if (pread(fd, filter, (size_t)size, 0) != size) {
            err = -EIO;
            free(filter);
        } else {
            program->filter = filter;
            program->len = (unsigned short)((size_t)size / sizeof(struct sock_filter));
        }
    }
    if (fd >= 0)
        close(fd);
    seccomp_release(ctx);
    return err;
}

void tg_seccomp_program_free(struct sock_fprog *program)
{
    free(program->filter);
    program->filter = NULL;
    program->len = 0;
}
