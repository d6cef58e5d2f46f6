/* The floor of this machine: tollgate's capture hooks, doing nothing.
 *
 * Attached in benchmarks beside a bare run, it measures what enabling these tracepoints
 * costs every syscall of the machine before any filtering or recording happens, with the same
 * syscall-exit hook mode a capture would use.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_sys_exit, void *regs, long ret) { return 0; }

/* The per-syscall hook, which the loader attaches like the capture program's. */
SEC("tracepoint")
int floor_syscall_exit(void *context) { return 0; }

SEC("tp_btf/sched_process_fork")
int BPF_PROG(floor_fork, void *parent, void *child) { return 0; }

SEC("tp_btf/sched_process_exec")
int BPF_PROG(floor_exec, void *task, int old_pid, void *binprm) { return 0; }

SEC("tp_btf/sched_process_exit")
int BPF_PROG(floor_exit, void *task) { return 0; }
