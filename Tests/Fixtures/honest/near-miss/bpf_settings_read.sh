#!/bin/sh
# Near "CI BPF use by the job": reads the kernel's BPF settings and the BPF filesystem, as a
# diagnostics step does, without calling bpf(2).
. "$(dirname "$0")/../common.sh"
cat /proc/sys/kernel/unprivileged_bpf_disabled > /dev/null 2>&1 || true
ls /sys/fs/bpf > /dev/null 2>&1 || true
grep -i bpf /proc/kallsyms > /dev/null 2>&1 || true
