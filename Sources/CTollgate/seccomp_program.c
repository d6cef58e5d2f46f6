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
    {SCMP_SYS(kill), 0},            {SCMP_SYS(tgkill), 0},           {SCMP_SYS(rt_sigqueueinfo), 0},
    {SCMP_SYS(rt_tgsigqueueinfo), 0}, {SCMP_SYS(pidfd_open), 0},
};

/* Calls whose target the filter cannot tell from a pid: a thread id of any process (tkill),
 * or a pidfd (possibly of an opened /proc/<pid>). All of them go to the monitor. */
static const int unnamed_target_calls[] = {SCMP_SYS(tkill), SCMP_SYS(pidfd_send_signal), SCMP_SYS(pidfd_getfd)};

/* Routes to `action` (the monitor) every call that may aim at one of `pids`: the monitor
 * refuses those that do (tg_gate_target). kill(0) and kill(-N) name process groups, which the
 * job can join (setpgid), so they always go too. */
static int route_aimed(scmp_filter_ctx ctx, uint32_t action, const pid_t *pids, size_t count)
{
    int err = 0;
    for (size_t p = 0; p < count && !err; p++)
        for (size_t i = 0; i < sizeof(aimed_calls) / sizeof(aimed_calls[0]) && !err; i++) {
            struct scmp_arg_cmp pid = {.arg = aimed_calls[i].argument, .op = SCMP_CMP_MASKED_EQ,
                                       .datum_a = 0xffffffffu, .datum_b = (uint32_t)pids[p]};
            err = seccomp_rule_add(ctx, action, aimed_calls[i].nr, 1, pid);
        }
    if (count == 0)
        return err;
    for (size_t i = 0; i < sizeof(unnamed_target_calls) / sizeof(unnamed_target_calls[0]) && !err; i++)
        err = seccomp_rule_add(ctx, action, unnamed_target_calls[i], 0);
    struct scmp_arg_cmp group = {.arg = 0, .op = SCMP_CMP_MASKED_EQ, .datum_a = 0x80000000u, .datum_b = 0x80000000u};
    struct scmp_arg_cmp own_group = {.arg = 0, .op = SCMP_CMP_MASKED_EQ, .datum_a = 0xffffffffu, .datum_b = 0};
    if (!err)
        err = seccomp_rule_add(ctx, action, SCMP_SYS(kill), 1, group);
    if (!err)
        err = seccomp_rule_add(ctx, action, SCMP_SYS(kill), 1, own_group);
    return err;
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
    int err = route_aimed(ctx, action, protected_pids, protected_count);
    for (size_t i = 0; i < count && !err; i++)
        err = seccomp_rule_add(ctx, action, syscalls[i], 0);
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
