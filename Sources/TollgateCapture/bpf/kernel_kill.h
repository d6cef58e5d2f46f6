/* --kill-on decided in the kernel: at the exit of a successful open, the capture program tests
 * the file opened (already resolved into this CPU's path_space by add_opened_path), the open's
 * flags and the caller's executable against `config.kill` (tollgate_capture_config.h), and
 * kills the caller itself when a clause holds. User space only builds clauses that imply a
 * rule's condition, so a kill here is a finding the gate's own evaluation of the same record
 * makes; anything the program cannot see (a name it could not resolve, a /proc name the gate
 * rewrites, an executable without a path) leaves the decision to user space. */
#ifndef TOLLGATE_KERNEL_KILL_H
#define TOLLGATE_KERNEL_KILL_H

#define KILL_SUBJECTS 4
#define KILL_SLASH_SEARCH (PATH_NAME_MAX + 2) /* the last component and its slash */

#define PROC_PREFIX 0x2f636f72702fULL /* "/proc/" read as a little-endian word */

/* The decision under way on this CPU: where each subject lies in path_space's bytes, the tests
 * matched so far, and what the clauses made of them. Kept in a map rather than on the stack,
 * so the loops' callbacks share it without a context (cheaper to verify). */
struct kill_state {
    __u32 start[KILL_SUBJECTS];
    __u32 length[KILL_SUBJECTS];
    __u64 hits;
    __u64 ignored;         /* tests not matched yet (the executable's): a clause needing them is pending */
    __u32 call;            /* enum tg_kill_call bit of the open */
    __u32 facts;           /* enum tg_kill_fact bits of its flags */
    __u32 executable_pass; /* 0: the patterns on the file opened; 1: those on the executable */
    __u32 holds;           /* a clause holds */
    __u32 pending;         /* a clause holds if the ignored tests go its way */
    __u32 name_start;      /* last_slash: where the name starts; the slash found, else PATH_BUFFER */
    __u32 slash;
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct kill_state);
} kill_space SEC(".maps");

static __always_inline struct kill_state *kill_state(void)
{
    __u32 zero = 0;
    return bpf_map_lookup_elem(&kill_space, &zero);
}

/* Whether the `length` bytes of path_space at `at` equal the prefix (or with `suffix`, the
 * suffix) of pattern `index` (at most TG_KILL_PATTERN_BYTES). Compared a word at a time; bytes
 * of a word past `length` are masked out. A global function: the verifier checks it once. */
__noinline int same_bytes(__u32 at, __u32 index, __u32 suffix, __u32 length)
{
    __u32 zero = 0;
    const struct path_buffer *buffer = bpf_map_lookup_elem(&path_space, &zero);
    if (!buffer || length > TG_KILL_PATTERN_BYTES)
        return 0;
    const struct tg_kill_pattern *pattern = &config.kill.patterns[index & (TG_KILL_PATTERNS - 1)];
    const __u8 *expected = suffix ? pattern->suffix : pattern->prefix;
#pragma unroll
    for (int word = 0; word < TG_KILL_PATTERN_BYTES / 8; word++) {
        if (word * 8 >= length)
            break;
        __u32 remaining = length - word * 8;
        __u64 mask = remaining >= 8 ? ~0ULL : (1ULL << (remaining * 8)) - 1;
        __u32 position = (at + word * 8) & (PATH_BUFFER - 1);
        if ((*(const __u64 *)&buffer->bytes[position] ^ *(const __u64 *)&expected[word * 8]) & mask)
            return 0;
    }
    return 1;
}

/* A bpf_loop callback: tests pattern `index` against its subject, for this pass. */
static long match_pattern(__u32 index, void *unused)
{
    struct kill_state *state = kill_state();
    if (!state || index >= config.kill.pattern_count)
        return 1;
    const struct tg_kill_pattern *pattern = &config.kill.patterns[index & (TG_KILL_PATTERNS - 1)];
    __u32 subject = pattern->subject & (KILL_SUBJECTS - 1);
    if ((subject == TG_KILL_EXE) != (state->executable_pass != 0))
        return 0;
    __u32 start = state->start[subject], length = state->length[subject];
    __u32 prefix = pattern->prefix_length, suffix = pattern->suffix_length;
    if (prefix > TG_KILL_PATTERN_BYTES || suffix > TG_KILL_PATTERN_BYTES || length < prefix + suffix ||
        (pattern->exact && length != prefix + suffix))
        return 0;
    if (!same_bytes(start, index, 0, prefix) || !same_bytes(start + length - suffix, index, 1, suffix))
        return 0;
    state->hits |= 1ULL << (pattern->test & 63);
    return 0;
}

/* A bpf_loop callback: checks clause `index`. */
static long check_clause(__u32 index, void *unused)
{
    struct kill_state *state = kill_state();
    if (!state || index >= config.kill.clause_count)
        return 1;
    const struct tg_kill_clause *clause = &config.kill.clauses[index & (TG_KILL_CLAUSES - 1)];
    if (!(clause->calls & state->call) || (state->facts & clause->facts_required) != clause->facts_required ||
        (state->facts & clause->facts_forbidden))
        return 0;
    __u64 wanted = clause->tests_true & ~state->ignored, unwanted = clause->tests_false & ~state->ignored;
    if ((state->hits & wanted) != wanted || (state->hits & unwanted))
        return 0;
    if ((clause->tests_true | clause->tests_false) & state->ignored) {
        state->pending = 1;
        return 0;
    }
    state->holds = 1;
    return 1;
}

/* A bpf_loop callback: steps back from the end of the name to its last slash. */
static long last_slash(__u32 index, void *unused)
{
    struct kill_state *state = kill_state();
    __u32 zero = 0;
    const struct path_buffer *buffer = bpf_map_lookup_elem(&path_space, &zero);
    if (!state || !buffer || index >= PATH_BUFFER)
        return 1;
    __u32 position = PATH_BUFFER - 1 - index;
    if (position < state->name_start)
        return 1;
    if (buffer->bytes[position & (PATH_BUFFER - 1)] == '/') {
        state->slash = position;
        return 1;
    }
    return 0;
}

/* Matches the patterns of this pass and checks the clauses on the tests matched so far. */
__noinline int match_and_check(void)
{
    bpf_loop(TG_KILL_PATTERNS, match_pattern, NULL, 0);
    bpf_loop(TG_KILL_CLAUSES, check_clause, NULL, 0);
    struct kill_state *state = kill_state();
    return state ? state->holds : 0;
}

/* The open flags a call of `nr` used, as the decoder reads them: the register; for openat2,
 * whose open_how user memory another thread may have rewritten since the kernel copied it,
 * the bits of the file opened (`opened_flags_bits`, also written into the record's copy). */
static __always_inline __u64 open_flags(long nr, __u64 second, __u64 third, long fd)
{
    if (nr == NR_OPEN)
        return second & 0xffffffff;
    if (nr == NR_OPENAT || nr == NR_OPEN_BY_HANDLE_AT)
        return third & 0xffffffff;
    if (nr == NR_CREAT)
        return 01101; /* O_CREAT | O_WRONLY | O_TRUNC */
    return opened_flags_bits(fd);
}

static __always_inline __u32 open_call(long nr)
{
    return nr == NR_OPEN ? TG_KILL_OPEN
         : nr == NR_OPENAT ? TG_KILL_OPENAT
         : nr == NR_OPENAT2 ? TG_KILL_OPENAT2
         : nr == NR_CREAT ? TG_KILL_CREAT
         : nr == NR_OPEN_BY_HANDLE_AT ? TG_KILL_OPEN_BY_HANDLE_AT : 0;
}

/* Whether a clause of config.kill holds for the successful open `nr`, whose second and third
 * arguments are `second` and `third`, which returned `fd`, and whose file add_opened_path has
 * just resolved. */
__noinline int kill_in_kernel(long nr, __u64 second, __u64 third, long fd)
{
    __u64 flags = open_flags(nr, second, third, fd);
    __u32 zero = 0;
    struct path_buffer *buffer = bpf_map_lookup_elem(&path_space, &zero);
    struct kill_state *state = kill_state();
    if (!buffer || !state || !buffer->usable)
        return 0;
    __u32 offset = buffer->offset;
    if (offset >= PATH_BUFFER - 6)
        return 0;
    /* The decoder names /proc/<own pid>/... files /proc/self/...: left to user space. */
    __u64 first = *(const __u64 *)&buffer->bytes[offset & (PATH_BUFFER - 1)];
    if ((first & 0xffffffffffffULL) == PROC_PREFIX)
        return 0;
    int path_only = (flags & OPEN_PATH) != 0;
    __u32 access = flags & 3;
    __builtin_memset(state, 0, sizeof(*state));
    state->call = open_call(nr);
    state->facts = (!path_only && (access == 0 || access == 2) ? TG_KILL_READ : 0) |
                   (!path_only && (access == 1 || access == 2) ? TG_KILL_WRITE : 0) |
                   ((flags & OPEN_DIRECTORY) && !(flags & OPEN_TMPFILE_BIT) ? TG_KILL_DIRECTORY_FD : 0);
    state->ignored = config.kill.exe_tests;

    /* The subjects of the file: name, directory (the name itself for a directory), filename. */
    state->name_start = offset;
    state->slash = PATH_BUFFER;
    bpf_loop(KILL_SLASH_SEARCH, last_slash, NULL, 0);
    __u32 slash = state->slash;
    if (slash >= PATH_BUFFER || slash < offset)
        return 0;
    state->start[TG_KILL_NAME] = offset;
    state->length[TG_KILL_NAME] = PATH_BUFFER - offset;
    state->start[TG_KILL_DIRECTORY] = offset;
    state->length[TG_KILL_DIRECTORY] =
        (state->facts & TG_KILL_DIRECTORY_FD) ? PATH_BUFFER - offset : slash == offset ? 1 : slash - offset;
    state->start[TG_KILL_FILENAME] = slash + 1;
    state->length[TG_KILL_FILENAME] = PATH_BUFFER - slash - 1;
    if (match_and_check() || !state->pending)
        return state->holds;

    /* A clause waits on the executable: resolve it as the exec record did, and match again. */
    struct task_struct___tg *task = (struct task_struct___tg *)bpf_get_current_task();
    struct file___tg *exe = BPF_CORE_READ(task, mm, exe_file);
    struct fs_struct___tg *fs = BPF_CORE_READ(task, fs);
    if (!exe || !fs)
        return 0;
    long resolved = resolve_path((__u64)&exe->f_path, (__u64)&fs->root, 0);
    if (resolved < 0 || (resolved & (PATH_TRUNCATED | PATH_DETACHED)))
        return 0;
    offset = (__u32)resolved & (PATH_BUFFER - 1);
    state->start[TG_KILL_EXE] = offset;
    state->length[TG_KILL_EXE] = PATH_BUFFER - offset;
    state->executable_pass = 1;
    state->ignored = 0;
    state->pending = 0;
    return match_and_check();
}

#endif
