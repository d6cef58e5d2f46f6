#include "tollgate_bpf.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

/* The last warning libbpf printed, kept for error messages instead of going to stderr. */
static __thread char last_libbpf_line[512];

static int keep_last_line(enum libbpf_print_level level, const char *format, va_list args)
{
    if (level == LIBBPF_DEBUG)
        return 0;
    int n = vsnprintf(last_libbpf_line, sizeof(last_libbpf_line), format, args);
    if (n > 0) {
        size_t end = strnlen(last_libbpf_line, sizeof(last_libbpf_line));
        while (end > 0 && last_libbpf_line[end - 1] == '\n')
            last_libbpf_line[--end] = 0;
    }
    return 0;
}

static int count_record(void *context, void *data, size_t size)
{
    (void)data;
    (void)size;
    (*(uint64_t *)context)++;
    return 0;
}

static void describe(struct tg_bpf_probe_result *result, const char *step, int err)
{
    const char *detail = last_libbpf_line;
    if (strncmp(detail, "libbpf: ", 8) == 0)
        detail += 8;
    if (detail[0])
        snprintf(result->message, sizeof(result->message), "%s: %s (libbpf: %s)", step, strerror(err), detail);
    else
        snprintf(result->message, sizeof(result->message), "%s: %s", step, strerror(err));
}

void tg_bpf_probe(const void *object, size_t size, struct tg_bpf_probe_result *result)
{
    memset(result, 0, sizeof(*result));
    last_libbpf_line[0] = 0;
    libbpf_print_fn_t previous = libbpf_set_print(keep_last_line);

    struct bpf_object *obj = NULL;
    struct bpf_link *links[8] = {0};
    size_t link_count = 0;
    struct ring_buffer *ring = NULL;

    LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "tollgate");
    obj = bpf_object__open_mem(object, size, &opts);
    if (!obj) {
        result->load_errno = errno ? errno : EINVAL;
        describe(result, "bpf_object__open_mem", result->load_errno);
        goto out;
    }
    int err = bpf_object__load(obj);
    if (err) {
        result->load_errno = -err;
        describe(result, "bpf_object__load", result->load_errno);
        goto out;
    }

    uint32_t zero = 0, self = (uint32_t)getpid();
    err = bpf_map__update_elem(bpf_object__find_map_by_name(obj, "config"), &zero, sizeof(zero), &self,
                               sizeof(self), BPF_ANY);
    if (err) {
        result->load_errno = -err;
        describe(result, "setting the target process", result->load_errno);
        goto out;
    }

    struct bpf_program *program;
    bpf_object__for_each_program(program, obj)
    {
        if (link_count == sizeof(links) / sizeof(links[0]))
            break;
        struct bpf_link *link = bpf_program__attach(program);
        if (!link) {
            result->attach_errno = errno ? errno : EINVAL;
            describe(result, "bpf_program__attach", result->attach_errno);
            goto out;
        }
        links[link_count++] = link;
    }

    ring = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "events")), count_record,
                            &result->records, NULL);
    if (!ring) {
        result->ringbuf_errno = errno ? errno : EINVAL;
        describe(result, "ring_buffer__new", result->ringbuf_errno);
        goto out;
    }
    for (int i = 0; i < 8; i++)
        syscall(SYS_getppid);
    for (int attempt = 0; attempt < 10 && result->records == 0; attempt++) {
        err = ring_buffer__poll(ring, 100);
        if (err < 0 && err != -EINTR) {
            result->ringbuf_errno = -err;
            describe(result, "ring_buffer__poll", result->ringbuf_errno);
            goto out;
        }
    }
    if (result->records == 0) {
        result->ringbuf_errno = ENODATA;
        snprintf(result->message, sizeof(result->message), "no record arrived through the ring buffer");
    }

out:
    ring_buffer__free(ring);
    for (size_t i = 0; i < link_count; i++)
        bpf_link__destroy(links[i]);
    bpf_object__close(obj);
    libbpf_set_print(previous);
}
