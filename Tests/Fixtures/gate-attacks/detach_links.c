/* A root job that tries to blind an eBPF capture: it walks every BPF link of the machine
 * (BPF_LINK_GET_NEXT_ID, BPF_LINK_GET_FD_BY_ID) and asks the kernel to detach each
 * (BPF_LINK_DETACH), then reads the file FILE names.
 *
 * Usage: detach_links FILE. Prints "links N detached D" and "read B" to standard error. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long bpf(int command, union bpf_attr *attributes)
{
    return syscall(SYS_bpf, command, attributes, sizeof(*attributes));
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    unsigned id = 0;
    int links = 0, detached = 0;
    for (;;) {
        union bpf_attr next;
        memset(&next, 0, sizeof(next));
        next.start_id = id;
        if (bpf(BPF_LINK_GET_NEXT_ID, &next) != 0)
            break;
        id = next.next_id;
        links++;
        union bpf_attr get;
        memset(&get, 0, sizeof(get));
        get.link_id = id;
        int fd = (int)bpf(BPF_LINK_GET_FD_BY_ID, &get);
        if (fd < 0)
            continue;
        union bpf_attr detach;
        memset(&detach, 0, sizeof(detach));
        detach.link_detach.link_fd = (unsigned)fd;
        if (bpf(BPF_LINK_DETACH, &detach) == 0)
            detached++;
        close(fd);
    }
    fprintf(stderr, "links %d detached %d\n", links, detached);
    char buffer[256];
    int file = open(argv[1], O_RDONLY);
    fprintf(stderr, "read %zd\n", file >= 0 ? read(file, buffer, sizeof(buffer)) : -1);
    return 0;
}
