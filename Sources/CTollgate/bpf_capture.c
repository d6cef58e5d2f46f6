#include "tollgate_bpf.h"
#include "tollgate_record.h"
#include "tollgate_core_btf.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The per-syscall tracepoints' folder in tracefs, where libbpf reads each event's id. */
#define SYSCALL_EVENTS "/sys/kernel/tracing/events/syscalls"

enum { MAX_LINKS = TG_MAX_SYSCALLS + 8 };

struct tg_capture {
    struct bpf_object *object;
    struct bpf_link *links[MAX_LINKS];
    size_t link_count;
    struct ring_buffer *ring;
    int per_syscall;       /* the syscall-exit program is on per-syscall tracepoints */
    char per_syscall_failure[256]; /* AUTO: why the per-syscall program is not loaded, or empty */
    struct bpf_map *config_map; /* the data section holding `config` */
    int tracked_fd;
    int drops_fd;
    tg_record_handler handler;
    void *context;
};

/* The last warning libbpf printed, kept for error messages instead of going to stderr. */
static __thread char last_libbpf_line[512];

static int keep_last_line(enum libbpf_print_level level, const char *format, va_list args)
{
    if (level == LIBBPF_DEBUG)
        return 0;
    char line[512];
    int n = vsnprintf(line, sizeof(line), format, args);
    if (n <= 0)
        return 0;
    size_t end = strnlen(line, sizeof(line));
    while (end > 0 && line[end - 1] == '\n')
        line[--end] = 0;
    const char *text = strncmp(line, "libbpf: ", 8) == 0 ? line + 8 : line;
    snprintf(last_libbpf_line, sizeof(last_libbpf_line), "%s", text);
    return 0;
}

static void describe(char *error, size_t error_size, const char *step, int err)
{
    if (!error || !error_size)
        return;
    if (last_libbpf_line[0])
        snprintf(error, error_size, "%s: %s (libbpf: %s)", step, strerror(err), last_libbpf_line);
    else
        snprintf(error, error_size, "%s: %s", step, strerror(err));
}

/* The section `config` lives in: a plain global, so its wanted syscalls can be written after
 * loading (the object loads while the rules compile). */
#define CONFIG_SECTION ".bss"

static struct bpf_map *find_config_map(struct bpf_object *object)
{
    struct bpf_map *map = NULL, *candidate;
    bpf_object__for_each_map(candidate, object)
    {
        const char *name = bpf_map__name(candidate);
        size_t length = strlen(name), suffix = strlen(CONFIG_SECTION);
        if (length >= suffix && strcmp(name + length - suffix, CONFIG_SECTION) == 0)
            map = candidate;
    }
    return map;
}

/* Where `config` is in its section's value, found through BTF; -errno when it is not there. */
static long config_offset(struct bpf_object *object, size_t value_size)
{
    struct btf *btf = bpf_object__btf(object);
    int section_id = btf ? btf__find_by_name_kind(btf, CONFIG_SECTION, BTF_KIND_DATASEC) : -1;
    if (section_id < 0)
        return -ENOENT;
    const struct btf_type *section = btf__type_by_id(btf, section_id);
    const struct btf_var_secinfo *variable = btf_var_secinfos(section);
    for (int i = 0; i < btf_vlen(section); i++, variable++) {
        const struct btf_type *type = btf__type_by_id(btf, variable->type);
        if (strcmp(btf__name_by_offset(btf, type->name_off), "config") != 0)
            continue;
        if (variable->size != sizeof(struct tg_capture_config) || variable->offset + variable->size > value_size)
            return -EINVAL;
        return variable->offset;
    }
    return -ENOENT;
}

/* Gives the capture program one record scratch area per possible CPU (it indexes its
 * `scratch_space` array by CPU number), before loading. Objects without one are left alone. */
static int size_scratch(struct bpf_object *object)
{
    struct bpf_map *scratch = bpf_object__find_map_by_name(object, "scratch_space");
    int cpus = libbpf_num_possible_cpus();
    if (!scratch)
        return 0;
    return cpus > 0 ? bpf_map__set_max_entries(scratch, (__u32)cpus) : cpus;
}

/* Writes `config` over the object's `config` variable, before loading. */
/* Calls that may aim at the gate, and how they name their target: always captured. */
static const struct {
    int nr;
    uint8_t how;
} aimed[] = {
    {SYS_ptrace, TG_AIM_PTRACE},       {SYS_process_vm_readv, TG_AIM_ARG0}, {SYS_process_vm_writev, TG_AIM_ARG0},
    {SYS_kill, TG_AIM_KILL},           {SYS_tkill, TG_AIM_SIGNAL_ARG1},     {SYS_tgkill, TG_AIM_SIGNAL_ARG2},
    {SYS_rt_sigqueueinfo, TG_AIM_SIGNAL_ARG1}, {SYS_rt_tgsigqueueinfo, TG_AIM_SIGNAL_ARG2},
    {SYS_pidfd_open, TG_AIM_ARG0},     {SYS_pidfd_send_signal, TG_AIM_PIDFD_SIGNAL},
    {SYS_pidfd_getfd, TG_AIM_PIDFD},
};

static int set_config(struct bpf_object *object, const struct tg_capture_config *config)
{
    struct bpf_map *map = find_config_map(object);
    size_t data_size = 0;
    char *data = map ? (char *)bpf_map__initial_value(map, &data_size) : NULL;
    if (!data)
        return -ENOENT;
    long offset = config_offset(object, data_size);
    if (offset < 0)
        return (int)offset;
    struct tg_capture_config filled = *config;
    filled.gate_tgid = getpid();
    filled.gate_pgid = getpgrp();
    for (size_t i = 0; i < sizeof(aimed) / sizeof(aimed[0]); i++) {
        filled.aimed_how[aimed[i].nr] = aimed[i].how;
        filled.wanted_syscalls[aimed[i].nr / 64] |= 1ULL << (aimed[i].nr % 64);
    }
    memcpy(data + offset, &filled, sizeof(filled));
    return 0;
}

/* Freezes, for bpf(2) from user space, the maps only the program writes once attached (all
 * but `tracked` and `run_cgroup`, frozen once the job's are in them, and the ring buffer): a root job cannot rewrite
 * the configuration or the gate's thread list. Returns 0 or -errno. */
static int freeze_maps(struct tg_capture *self)
{
    struct bpf_map *map;
    bpf_object__for_each_map(map, self->object)
    {
        const char *name = bpf_map__name(map);
        if (strcmp(name, "tracked") == 0 || strcmp(name, "run_cgroup") == 0 || bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF ||
            bpf_map__fd(map) < 0)
            continue;
        if (bpf_map_freeze(bpf_map__fd(map)) != 0)
            return -errno;
    }
    return 0;
}

/* Adds the gate's threads to the capture program's `gate_threads`; its `on_fork` adds those
 * created after it is attached. Returns 0 or -errno. */
static int register_gate_threads(struct tg_capture *self)
{
    int map = bpf_object__find_map_fd_by_name(self->object, "gate_threads");
    DIR *threads = map >= 0 ? opendir("/proc/self/task") : NULL;
    if (!threads)
        return map >= 0 ? -errno : 0;
    int err = 0;
    struct dirent *entry;
    while (!err && (entry = readdir(threads))) {
        __u32 tid = (__u32)strtoul(entry->d_name, NULL, 10);
        __u8 yes = 1;
        if (tid && bpf_map_update_elem(map, &tid, &yes, BPF_ANY) != 0)
            err = -errno;
    }
    closedir(threads);
    return err;
}

/* Copies a syscall bitmap of the config from `bits`, or clears it when `bits` is NULL. */
static void set_bitmap(char *config, size_t field, const uint64_t *bits)
{
    size_t size = sizeof(((struct tg_capture_config *)0)->wanted_syscalls);
    if (bits)
        memcpy(config + field, bits, size);
    else
        memset(config + field, 0, size);
}

/* Replaces the loaded program's wanted-syscall, success-only and urgent bitmaps (before
 * attaching, so no program reads them meanwhile); a NULL `success_only` or `urgent` clears it. */
static int set_wanted_syscalls(struct tg_capture *self, const uint64_t *wanted, const uint64_t *success_only,
                               const uint64_t *urgent, uint32_t urgent_kinds, const struct tg_kill_table *kill)
{
    if (!self->config_map)
        return -ENOENT;
    size_t size = bpf_map__value_size(self->config_map);
    long offset = config_offset(self->object, size);
    if (offset < 0)
        return (int)offset;
    char *value = calloc(1, size);
    if (!value)
        return -ENOMEM;
    __u32 zero = 0;
    int fd = bpf_map__fd(self->config_map);
    int err = bpf_map_lookup_elem(fd, &zero, value) ? -errno : 0;
    if (!err) {
        uint64_t *bits = (uint64_t *)(value + offset + offsetof(struct tg_capture_config, wanted_syscalls));
        memcpy(bits, wanted, sizeof(((struct tg_capture_config *)0)->wanted_syscalls));
        for (size_t i = 0; i < sizeof(aimed) / sizeof(aimed[0]); i++)
            bits[aimed[i].nr / 64] |= 1ULL << (aimed[i].nr % 64);
        set_bitmap(value + offset, offsetof(struct tg_capture_config, success_only_syscalls), success_only);
        set_bitmap(value + offset, offsetof(struct tg_capture_config, urgent_syscalls), urgent);
        memcpy(value + offset + offsetof(struct tg_capture_config, urgent_kinds), &urgent_kinds, sizeof(urgent_kinds));
        if (kill)
            memcpy(value + offset + offsetof(struct tg_capture_config, kill), kill, sizeof(*kill));
        else
            memset(value + offset + offsetof(struct tg_capture_config, kill), 0, sizeof(*kill));
        err = bpf_map_update_elem(fd, &zero, value, BPF_ANY) ? -errno : 0;
    }
    free(value);
    return err;
}

static int deliver(void *capture, void *data, size_t size)
{
    struct tg_capture *self = capture;
    return self->handler(self->context, data, size);
}

/* Appends `name` to the space-separated list `list` of `size` bytes. */
static void append_name(char *list, size_t size, const char *name)
{
    size_t used = strnlen(list, size);
    snprintf(list + used, size - used, "%s%s", used ? " " : "", name);
}

/* Whether syscall `name` (a tracepoint name) has an exit tracepoint in tracefs. */
static int has_exit_tracepoint(const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), SYSCALL_EVENTS "/sys_exit_%s", name);
    return access(path, F_OK) == 0;
}

int tg_choose_hooks(struct tg_hooks *hooks)
{
    if (!hooks || hooks->mode == TG_HOOKS_RAW_TRACEPOINT)
        return TG_HOOKS_RAW_TRACEPOINT;
    hooks->untraced[0] = hooks->fallback[0] = 0;
    int err = 0;
    if (access(SYSCALL_EVENTS, F_OK) != 0 && access("/sys/kernel/tracing/events", F_OK) != 0 &&
        mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) != 0) {
        err = errno;
        snprintf(hooks->fallback, sizeof(hooks->fallback), "tracefs cannot be mounted on /sys/kernel/tracing: %s",
                 strerror(err));
    } else if (access(SYSCALL_EVENTS, F_OK) != 0) {
        err = ENOENT;
        snprintf(hooks->fallback, sizeof(hooks->fallback), "this kernel has no per-syscall tracepoints (%s)",
                 SYSCALL_EVENTS);
    } else {
        for (const char *const *name = hooks->syscalls; name && *name; name++)
            if (!has_exit_tracepoint(*name))
                append_name(hooks->untraced, sizeof(hooks->untraced), *name);
        if (hooks->mode == TG_HOOKS_PER_SYSCALL || !hooks->untraced[0])
            return TG_HOOKS_PER_SYSCALL;
        /* Hooking the others only would lose these syscalls: the raw tracepoint sees them. */
        snprintf(hooks->fallback, sizeof(hooks->fallback), "no exit tracepoint for %s on this kernel", hooks->untraced);
        hooks->untraced[0] = 0;
        return TG_HOOKS_RAW_TRACEPOINT;
    }
    return hooks->mode == TG_HOOKS_AUTO ? TG_HOOKS_RAW_TRACEPOINT : -err;
}

/* The object's syscall-exit program for `mode`, by section name. */
static int is_syscall_exit(const struct bpf_program *program, int mode)
{
    const char *section = bpf_program__section_name(program);
    return strcmp(section, mode == TG_HOOKS_PER_SYSCALL ? "tracepoint" : "tp_btf/sys_exit") == 0;
}

/* Attaches `program` (the per-syscall one) to the exit tracepoint of each wanted syscall that
 * has one. Returns 0 or an errno. */
static int attach_per_syscall(struct tg_capture *self, struct bpf_program *program, const struct tg_hooks *hooks)
{
    for (const char *const *name = hooks->syscalls; name && *name; name++) {
        if (!has_exit_tracepoint(*name))
            continue; /* listed in hooks->untraced */
        char event[128];
        snprintf(event, sizeof(event), "sys_exit_%s", *name);
        if (self->link_count == MAX_LINKS)
            return E2BIG;
        struct bpf_link *link = bpf_program__attach_tracepoint(program, "syscalls", event);
        if (!link)
            return errno ? errno : EINVAL;
        self->links[self->link_count++] = link;
    }
    return 0;
}

/* Loads `object` with the syscall-exit programs `mode` can use: the raw tracepoint's, the
 * per-syscall one's, or (AUTO) both, so the choice can wait for the wanted syscalls. */
static struct bpf_object *load_object_with(const void *object, size_t size, const struct tg_capture_config *config,
                                           int mode, const char *core_btf_path, const char **step, int *err)
{
    LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "tollgate", .btf_custom_path = core_btf_path);
    *step = "bpf_object__open_mem";
    struct bpf_object *opened = bpf_object__open_mem(object, size, &opts);
    if (!opened) {
        *err = errno ? errno : EINVAL;
        return NULL;
    }
    struct bpf_program *program;
    bpf_object__for_each_program(program, opened)
    {
        if ((mode == TG_HOOKS_RAW_TRACEPOINT && is_syscall_exit(program, TG_HOOKS_PER_SYSCALL)) ||
            (mode == TG_HOOKS_PER_SYSCALL && is_syscall_exit(program, TG_HOOKS_RAW_TRACEPOINT)))
            bpf_program__set_autoload(program, false);
    }
    *step = "sizing the record scratch areas";
    if ((*err = -size_scratch(opened)))
        goto fail;
    *step = "writing the capture configuration";
    if (config && (*err = -set_config(opened, config)))
        goto fail;
    *step = "bpf_object__load";
    if ((*err = -bpf_object__load(opened)))
        goto fail;
    return opened;
fail:
    bpf_object__close(opened);
    return NULL;
}

/* load_object_with, relocated against a minimal copy of the kernel's BTF where one can be
 * built (libbpf's own search of all of vmlinux per type cost ~15 ms), else, or should that
 * fail, against vmlinux itself. */
static struct bpf_object *load_object(const void *object, size_t size, const struct tg_capture_config *config,
                                      int mode, const char **step, int *err)
{
    const char *setting = getenv("TOLLGATE_CORE_BTF"); /* "vmlinux": libbpf's own search */
    int core_btf = setting && strcmp(setting, "vmlinux") == 0 ? -1
                                                               : tg_core_btf_build(object, size, "/sys/kernel/btf/vmlinux");
    if (core_btf >= 0) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", core_btf);
        struct bpf_object *loaded = load_object_with(object, size, config, mode, path, step, err);
        close(core_btf);
        if (loaded)
            return loaded;
    }
    return load_object_with(object, size, config, mode, NULL, step, err);
}

struct tg_capture *tg_capture_load(const void *object, size_t size, const struct tg_capture_config *config, int mode,
                                   char *error, size_t error_size)
{
    last_libbpf_line[0] = 0;
    libbpf_print_fn_t previous = libbpf_set_print(keep_last_line);
    struct tg_capture *self = calloc(1, sizeof(*self));
    int err = ENOMEM;
    const char *step = "allocating";
    if (!self)
        goto fail;
    self->object = load_object(object, size, config, mode, &step, &err);
    if (!self->object && mode == TG_HOOKS_AUTO && err != EPERM && err != EACCES) {
        /* A kernel that cannot load the per-syscall program still has the raw tracepoint (a
         * missing privilege would refuse that one too: no second attempt then). */
        snprintf(self->per_syscall_failure, sizeof(self->per_syscall_failure), "the per-syscall program failed to load: %s",
                 last_libbpf_line[0] ? last_libbpf_line : strerror(err));
        last_libbpf_line[0] = 0;
        self->object = load_object(object, size, config, TG_HOOKS_RAW_TRACEPOINT, &step, &err);
    }
    if (!self->object)
        goto fail;
    self->config_map = find_config_map(self->object);
    self->tracked_fd = bpf_object__find_map_fd_by_name(self->object, "tracked");
    self->drops_fd = bpf_object__find_map_fd_by_name(self->object, "drops");
    libbpf_set_print(previous);
    return self;
fail:
    describe(error, error_size, step, err);
    tg_capture_close(self);
    libbpf_set_print(previous);
    errno = err;
    return NULL;
}

/* The loaded object's program for `mode`'s syscall exit, or NULL when it was not loaded. */
static struct bpf_program *syscall_exit_program(struct tg_capture *self, int mode)
{
    struct bpf_program *program;
    bpf_object__for_each_program(program, self->object)
    {
        if (bpf_program__autoload(program) && is_syscall_exit(program, mode))
            return program;
    }
    return NULL;
}

static void detach_all(struct tg_capture *self)
{
    for (size_t i = 0; i < self->link_count; i++)
        bpf_link__destroy(self->links[i]);
    self->link_count = 0;
    self->per_syscall = 0;
}

/* Attaches the loaded programs, the syscall-exit one in `mode`. Returns 0 or an errno. */
static int attach_programs(struct tg_capture *self, int mode, const struct tg_hooks *hooks, const char **step)
{
    struct bpf_program *program;
    bpf_object__for_each_program(program, self->object)
    {
        if (!bpf_program__autoload(program))
            continue;
        int other = mode == TG_HOOKS_PER_SYSCALL ? TG_HOOKS_RAW_TRACEPOINT : TG_HOOKS_PER_SYSCALL;
        if (is_syscall_exit(program, other))
            continue; /* loaded for the other mode */
        if (mode == TG_HOOKS_PER_SYSCALL && is_syscall_exit(program, mode)) {
            *step = "attaching the per-syscall tracepoints";
            self->per_syscall = 1;
            int err = attach_per_syscall(self, program, hooks);
            if (err)
                return err;
            *step = "bpf_program__attach";
            continue;
        }
        if (self->link_count == MAX_LINKS)
            return E2BIG;
        struct bpf_link *link = bpf_program__attach(program);
        if (!link)
            return errno ? errno : EINVAL;
        self->links[self->link_count++] = link;
    }
    return 0;
}

int tg_capture_attach(struct tg_capture *self, const uint64_t *wanted_syscalls, const uint64_t *success_only_syscalls,
                      const uint64_t *urgent_syscalls, uint32_t urgent_kinds, const struct tg_kill_table *kill,
                      struct tg_hooks *hooks, tg_record_handler handler, void *context, char *error, size_t error_size)
{
    last_libbpf_line[0] = 0;
    libbpf_print_fn_t previous = libbpf_set_print(keep_last_line);
    self->handler = handler;
    self->context = context;
    int err = 0, mode = TG_HOOKS_RAW_TRACEPOINT;
    const char *step = "writing the wanted syscalls";
    if (wanted_syscalls &&
        (err = -set_wanted_syscalls(self, wanted_syscalls, success_only_syscalls, urgent_syscalls, urgent_kinds, kill)))
        goto fail;
    step = "choosing the syscall hooks";
    mode = tg_choose_hooks(hooks);
    if (mode < 0) {
        err = -mode;
        snprintf(last_libbpf_line, sizeof(last_libbpf_line), "%s", hooks->fallback);
        goto fail;
    }
    if (mode == TG_HOOKS_PER_SYSCALL && !syscall_exit_program(self, mode)) {
        /* AUTO, on a kernel that could not load the per-syscall program. */
        mode = TG_HOOKS_RAW_TRACEPOINT;
        hooks->untraced[0] = 0;
        snprintf(hooks->fallback, sizeof(hooks->fallback), "%s", self->per_syscall_failure);
    }
    step = "bpf_program__attach";
    err = attach_programs(self, mode, hooks, &step);
    if (err && hooks && hooks->mode == TG_HOOKS_AUTO && mode == TG_HOOKS_PER_SYSCALL) {
        /* The per-syscall hooks failed to attach: the raw tracepoint takes over. */
        char reason[sizeof(hooks->fallback)];
        snprintf(reason, sizeof(reason), "the per-syscall tracepoints failed: %s: %s%s%s", step, strerror(err),
                 last_libbpf_line[0] ? " (libbpf: " : "", last_libbpf_line[0] ? last_libbpf_line : "");
        if (last_libbpf_line[0])
            strncat(reason, ")", sizeof(reason) - strlen(reason) - 1);
        detach_all(self);
        mode = TG_HOOKS_RAW_TRACEPOINT;
        step = "bpf_program__attach";
        err = attach_programs(self, mode, hooks, &step);
        hooks->untraced[0] = 0;
        snprintf(hooks->fallback, sizeof(hooks->fallback), "%s", reason);
    }
    if (err)
        goto fail;
    step = "registering the gate's threads";
    if ((err = -register_gate_threads(self)))
        goto fail;
    step = "freezing the maps";
    if ((err = -freeze_maps(self)))
        goto fail;
    step = "ring_buffer__new";
    int events_fd = bpf_object__find_map_fd_by_name(self->object, "events");
    self->ring = events_fd >= 0 ? ring_buffer__new(events_fd, deliver, self, NULL) : NULL;
    if (events_fd >= 0 && !self->ring) {
        err = errno ? errno : EINVAL;
        goto fail;
    }
    if (hooks)
        hooks->mode = mode;
    libbpf_set_print(previous);
    return 0;

fail:
    describe(error, error_size, step, err);
    detach_all(self);
    libbpf_set_print(previous);
    return -err;
}

struct tg_capture *tg_capture_open(const void *object, size_t size, const struct tg_capture_config *config,
                                   struct tg_hooks *hooks, tg_record_handler handler, void *context, char *error,
                                   size_t error_size)
{
    struct tg_capture *capture =
        tg_capture_load(object, size, config, hooks ? hooks->mode : TG_HOOKS_RAW_TRACEPOINT, error, error_size);
    if (!capture)
        return NULL;
    int err = -tg_capture_attach(capture, NULL, NULL, NULL, 0, NULL, hooks, handler, context, error, error_size);
    if (err) {
        tg_capture_close(capture);
        errno = err;
        return NULL;
    }
    return capture;
}

int tg_capture_track(struct tg_capture *capture, int tgid)
{
    if (capture->tracked_fd < 0)
        return -ENOENT;
    __u32 key = (__u32)tgid;
    __u8 yes = 1;
    if (bpf_map_update_elem(capture->tracked_fd, &key, &yes, BPF_ANY) != 0)
        return -errno;
    /* Only the program adds (forks) and removes (exits) from here on: a root job's bpf(2)
     * cannot delete its own pid. */
    return bpf_map_freeze(capture->tracked_fd) ? -errno : 0;
}

int tg_capture_follow_cgroup(struct tg_capture *capture, int cgroup_fd)
{
    int map = bpf_object__find_map_fd_by_name(capture->object, "run_cgroup");
    if (map < 0)
        return -ENOENT;
    __u32 key = 0, value = (__u32)cgroup_fd;
    if (bpf_map_update_elem(map, &key, &value, BPF_ANY) != 0)
        return -errno;
    return bpf_map_freeze(map) ? -errno : 0;
}

int tg_capture_poll(struct tg_capture *capture, int timeout_ms, const int *wake_fds, int wake_count)
{
    if (!capture->ring)
        return 0;
    /* libbpf's epoll set takes only its rings (it indexes them by the event's data), so the
     * caller's descriptors are polled beside it, not added to it. */
    struct pollfd ready[1 + TG_CAPTURE_WAKE_FDS_MAX] = {{.fd = ring_buffer__epoll_fd(capture->ring), .events = POLLIN}};
    int count = 1;
    for (int i = 0; i < wake_count && count < 1 + TG_CAPTURE_WAKE_FDS_MAX; i++)
        ready[count++] = (struct pollfd){.fd = wake_fds[i], .events = POLLIN};
    if (poll(ready, (nfds_t)count, timeout_ms) < 0 && errno != EINTR)
        return -errno;
    return ring_buffer__consume(capture->ring);
}

/* The sum over CPUs of slot `slot` of the program's `drops` map. */
static uint64_t drops_slot(const struct tg_capture *capture, __u32 slot)
{
    if (capture->drops_fd < 0)
        return 0;
    int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0)
        return 0;
    uint64_t *per_cpu = calloc((size_t)cpus, sizeof(uint64_t));
    uint64_t total = 0;
    if (per_cpu && bpf_map_lookup_elem(capture->drops_fd, &slot, per_cpu) == 0)
        for (int i = 0; i < cpus; i++)
            total += per_cpu[i];
    free(per_cpu);
    return total;
}

uint64_t tg_capture_drops(const struct tg_capture *capture)
{
    return drops_slot(capture, 0);
}

uint64_t tg_capture_compat_syscalls(const struct tg_capture *capture)
{
    return drops_slot(capture, 1);
}

static int compare_ints(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* Releasing a per-syscall tracepoint's perf event waits for RCU grace periods under the
 * kernel's event_mutex, one event after the other (~70 ms each here: 4.5 s for 60 syscalls).
 * A forked child that keeps only the links' descriptors takes that wait off the gate's path:
 * this process drops its references at once, then the child exits and the kernel releases
 * the events. Returns the pipe end whose closing lets the child go, or -1 (then the closes
 * wait here). The child is not reaped: it ends as a zombie of this short-lived process. */
static int release_in_background(const struct tg_capture *capture)
{
    int kept[MAX_LINKS + 1], count = 0, gate[2];
    if (pipe2(gate, O_CLOEXEC) != 0)
        return -1;
    for (size_t i = 0; i < capture->link_count; i++)
        kept[count++] = bpf_link__fd(capture->links[i]);
    kept[count++] = gate[0];
    qsort(kept, (size_t)count, sizeof(int), compare_ints);
    pid_t child = fork();
    if (child == 0) {
        /* Only async-signal-safe calls in the child of a threaded process. Closing everything
         * else keeps no caller's pipe open (a reader waiting for end of file would wait too). */
        unsigned int next = 0;
        for (int i = 0; i < count; i++) {
            if (kept[i] < 0)
                continue;
            if ((unsigned int)kept[i] > next)
                syscall(SYS_close_range, next, (unsigned int)kept[i] - 1, 0);
            next = (unsigned int)kept[i] + 1;
        }
        syscall(SYS_close_range, next, ~0U, 0);
        char byte;
        while (read(gate[0], &byte, 1) < 0 && errno == EINTR) {
        }
        _exit(0);
    }
    close(gate[0]);
    if (child < 0) {
        close(gate[1]);
        return -1;
    }
    return gate[1];
}

void tg_capture_close(struct tg_capture *capture)
{
    if (!capture)
        return;
    int holder = capture->per_syscall ? release_in_background(capture) : -1;
    ring_buffer__free(capture->ring);
    for (size_t i = 0; i < capture->link_count; i++)
        bpf_link__destroy(capture->links[i]);
    bpf_object__close(capture->object);
    free(capture);
    if (holder >= 0)
        close(holder);
}

static int count_record(void *context, const void *record, size_t size)
{
    (void)record;
    (void)size;
    (*(uint64_t *)context)++;
    return 0;
}

void tg_bpf_probe(const void *object, size_t size, int mode, struct tg_bpf_probe_result *result)
{
    memset(result, 0, sizeof(*result));
    static const char *const probed[] = {"getppid", NULL};
    result->hooks.mode = mode;
    result->hooks.syscalls = probed;
    static struct tg_capture_config config;
    memset(&config, 0, sizeof(config));
    config.wanted_syscalls[SYS_getppid / 64] |= 1ULL << (SYS_getppid % 64);
    config.wakeup_bytes = 1;

    struct tg_capture *capture =
        tg_capture_open(object, size, &config, &result->hooks, count_record, &result->records, result->message, sizeof(result->message));
    if (!capture) {
        int err = errno;
        if (strncmp(result->message, "bpf_program__attach", 19) == 0)
            result->attach_errno = err;
        else
            result->load_errno = err;
        return;
    }
    int err = tg_capture_track(capture, getpid());
    if (err) {
        result->load_errno = -err;
        snprintf(result->message, sizeof(result->message), "tracking the probing process: %s", strerror(-err));
        goto out;
    }
    for (int i = 0; i < 8; i++)
        syscall(SYS_getppid);
    /* The records are in the ring once the calls return; they do not wake a waiter. */
    for (int attempt = 0; attempt < 10 && result->records == 0; attempt++) {
        err = tg_capture_poll(capture, attempt == 0 ? 0 : 100, NULL, 0);
        if (err < 0) {
            result->ringbuf_errno = -err;
            snprintf(result->message, sizeof(result->message), "polling the ring buffer: %s", strerror(-err));
            goto out;
        }
    }
    if (result->records == 0) {
        result->ringbuf_errno = ENODATA;
        snprintf(result->message, sizeof(result->message), "no record arrived through the ring buffer");
    }
out:
    tg_capture_close(capture);
}
