#include "seccomp_program.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int tg_seccomp_program_build(const int *syscalls, size_t count, uint32_t action,
                             struct sock_fprog *program)
{
    memset(program, 0, sizeof(*program));
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx)
        return -ENOMEM;
    int err = 0;
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
