/* libbpf glue: load the embedded capture program and prove it works. */
#ifndef TOLLGATE_BPF_H
#define TOLLGATE_BPF_H

#include <stddef.h>
#include <stdint.h>

/* How far a BPF probe got; each step's errno is 0 when it succeeded. */
struct tg_bpf_probe_result {
    int load_errno;       /* opening and loading the object (verifier included) */
    int attach_errno;     /* attaching its programs */
    int ringbuf_errno;    /* creating a ring buffer consumer and polling it */
    uint64_t records;     /* records received for the probing process */
    char message[512];    /* libbpf's last diagnostic line, or a description */
};

/* Loads `object` (an ELF BPF object in memory), attaches its programs with the probing
 * process as target, makes a few syscalls and counts the records that arrive through the
 * `events` ring buffer. Everything it created is destroyed before it returns. */
void tg_bpf_probe(const void *object, size_t size, struct tg_bpf_probe_result *result);

#endif
