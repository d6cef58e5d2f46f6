/* A socket's local address (Falco's fd.lip/fd.lport), read from the kernel socket behind an fd
 * and laid out as the `struct sockaddr_in`/`sockaddr_in6` user space would get from
 * getsockname(). Included by tollgate.bpf.c only; needs kernel_types.h, the CO-RE helpers and
 * resolved_path.h (fd_file).
 */
#ifndef TOLLGATE_SOCKET_ADDRESS_H
#define TOLLGATE_SOCKET_ADDRESS_H

#include <bpf/bpf_endian.h>

#define TG_AF_INET 2
#define TG_AF_INET6 10

#if defined(__TARGET_ARCH_x86)
#define NR_CONNECT 42
#define NR_ACCEPT 43
#define NR_ACCEPT4 288
#else
#define NR_CONNECT 203
#define NR_ACCEPT 202
#define NR_ACCEPT4 242
#endif

/* sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes), native layout. */
struct local_address {
    __u16 family;
    __be16 port;
    union {
        struct {
            __be32 address;
            __u8 zero[8];
        } v4;
        struct {
            __be32 flowinfo;
            __u8 address[16];
            __u32 scope_id;
        } v6;
    };
};

/* The fd whose local address a completed syscall makes known: connect's socket (also while
 * a non-blocking connect is in progress) and the socket accept returned; -1 for the rest. */
static __always_inline long local_address_fd(long nr, long ret, __u64 first_argument)
{
    if (nr == NR_CONNECT && (ret == 0 || ret == -115 /* EINPROGRESS */))
        return (long)(int)first_argument;
    if ((nr == NR_ACCEPT || nr == NR_ACCEPT4) && ret >= 0)
        return ret;
    return -1;
}

/* The kernel socket behind `fd` of `task`, or NULL when the fd is not open. */
static __always_inline struct sock_common___tg *socket_at(struct task_struct___tg *task, long fd)
{
    struct file___tg *file = fd_file(task, fd);
    if (!file)
        return NULL;
    struct socket___tg *socket = BPF_CORE_READ(file, private_data);
    return &BPF_CORE_READ(socket, sk)->__sk_common;
}

/* Fills `out` from the socket at `fd` of `task`; returns its length, or 0 when the fd is not
 * an IPv4/IPv6 socket. */
static __always_inline __u32 read_local_address(struct task_struct___tg *task, long fd, struct local_address *out)
{
    struct sock_common___tg *common = socket_at(task, fd);
    if (!common)
        return 0;
    __builtin_memset(out, 0, sizeof(*out));
    out->family = BPF_CORE_READ(common, skc_family);
    out->port = bpf_htons(BPF_CORE_READ(common, skc_num));
    if (out->family == TG_AF_INET) {
        out->v4.address = BPF_CORE_READ(common, skc_rcv_saddr);
        return 16;
    }
    if (out->family == TG_AF_INET6) {
        BPF_CORE_READ_INTO(&out->v6.address, common, skc_v6_rcv_saddr);
        return 28;
    }
    return 0;
}

/* connect's peer in the record: the kernel copied the sockaddr at the call's entry, and another
 * thread may have rewritten the user memory the record copied at its exit; the port and
 * address are taken from the socket the call connected (same family only). `peer` is the
 * record's copy, at least 8 bytes long (`v6_room`: 24, room for an IPv6 address). */
static __always_inline void correct_connect_peer(struct local_address *peer, int v6_room, long fd)
{
    struct sock_common___tg *common = socket_at((struct task_struct___tg *)bpf_get_current_task(), fd);
    if (!common)
        return;
    __u16 family = BPF_CORE_READ(common, skc_family);
    if (family != peer->family)
        return;
    if (family == TG_AF_INET) {
        peer->port = BPF_CORE_READ(common, skc_dport);
        peer->v4.address = BPF_CORE_READ(common, skc_daddr);
    } else if (family == TG_AF_INET6 && v6_room) {
        peer->port = BPF_CORE_READ(common, skc_dport);
        BPF_CORE_READ_INTO(&peer->v6.address, common, skc_v6_daddr);
    }
}

#endif
