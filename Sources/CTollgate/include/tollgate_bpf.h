/* libbpf glue: load the embedded capture program, track a process tree, drain records. */
#ifndef TOLLGATE_BPF_H
#define TOLLGATE_BPF_H

#include <stddef.h>
#include <stdint.h>
#include "tollgate_capture_config.h"

/* Receives one record (a struct tg_record and its payloads). Return 0 to go on. */
typedef int (*tg_record_handler)(void *context, const void *record, size_t size);

/* A loaded and attached capture program with its ring buffer consumer. */
struct tg_capture;

/* Opens `object` (an ELF BPF object in memory), writes `config` (unless NULL) into its
 * read-only data, loads it (verifier included), attaches its programs and, when it has an
 * `events` ring buffer, sets up the consumer that hands records to `handler`. On failure returns NULL, sets errno and writes a
 * description into `error`. */
struct tg_capture *tg_capture_open(const void *object, size_t size, const struct tg_capture_config *config,
                                   tg_record_handler handler, void *context, char *error, size_t error_size);

/* Adds a thread-group id to the tracked tree; its descendants are added by the kernel as
 * they are forked. Returns 0 or -errno. */
int tg_capture_track(struct tg_capture *capture, int tgid);

/* Waits up to `timeout_ms` for a wake-up, then drains every record waiting in the ring
 * buffer (the program does not wake the consumer per record). Returns the number of records
 * handled or -errno. */
int tg_capture_poll(struct tg_capture *capture, int timeout_ms);

/* Records the kernel could not deliver because the ring buffer was full. */
uint64_t tg_capture_drops(const struct tg_capture *capture);

/* Detaches and frees everything. NULL is fine. */
void tg_capture_close(struct tg_capture *capture);

/* How far a BPF probe got; each step's errno is 0 when it succeeded. */
struct tg_bpf_probe_result {
    int load_errno;       /* opening and loading the object (verifier included) */
    int attach_errno;     /* attaching its programs */
    int ringbuf_errno;    /* receiving a record through the ring buffer */
    uint64_t records;     /* records received for the probing process */
    char message[512];    /* what failed, with libbpf's last diagnostic line */
};

/* Loads `object` with getppid() as the only captured syscall and the probing process as the
 * tracked tree, makes a few getppid() calls and counts the records that arrive. Everything
 * it created is destroyed before it returns. */
void tg_bpf_probe(const void *object, size_t size, struct tg_bpf_probe_result *result);

#endif
