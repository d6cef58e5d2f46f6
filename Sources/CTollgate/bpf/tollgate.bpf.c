/* tollgate's capture program.
 *
 * For now the smallest real program the capture backend grows from: on every syscall entry
 * of the process whose thread-group id is in `config`, it emits one `struct tg_record` with
 * the syscall number into the `events` ring buffer, and counts reservations that failed.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "tollgate_record.h"

char LICENSE[] SEC("license") = "GPL";

/* Index 0: the thread-group id to capture. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u32);
} config SEC(".maps");

/* Index 0: records lost because the ring buffer was full. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} drops SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 16);
} events SEC(".maps");

SEC("raw_tracepoint/sys_enter")
int on_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
    __u32 zero = 0;
    __u32 *target = bpf_map_lookup_elem(&config, &zero);
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (!target || (__u32)(pid_tgid >> 32) != *target)
        return 0;

    struct tg_record *record = bpf_ringbuf_reserve(&events, sizeof(*record), 0);
    if (!record) {
        __u64 *lost = bpf_map_lookup_elem(&drops, &zero);
        if (lost)
            __sync_fetch_and_add(lost, 1);
        return 0;
    }
    __builtin_memset(record, 0, sizeof(*record));
    record->size = sizeof(*record);
    record->kind = TG_KIND_SYSCALL;
    record->syscall = (__s32)ctx->args[1];
    record->timestamp_ns = bpf_ktime_get_boot_ns();
    record->pid = (__s32)(pid_tgid >> 32);
    record->tid = (__s32)pid_tgid;
    bpf_ringbuf_submit(record, 0);
    return 0;
}
