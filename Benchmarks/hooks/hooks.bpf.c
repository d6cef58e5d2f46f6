/* Empty programs for the two syscall-exit hooks hooks.c compares. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
char LICENSE[] SEC("license") = "GPL";
SEC("tp_btf/sys_exit")
int BPF_PROG(tp_btf_exit, void *regs, long ret) { return 0; }
/* Attached by hooks.c to each syscall's exit tracepoint. */
SEC("tracepoint")
int syscall_exit(void *ctx) { return 0; }
