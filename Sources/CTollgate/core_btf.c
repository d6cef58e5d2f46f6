/* A minimal copy of the kernel's BTF for CO-RE: only the types a BPF object names.
 *
 * libbpf relocates each CO-RE access by searching the whole vmlinux BTF (~126,000 types here)
 * for every local type the object reads, ~0.7 ms per type, ~15 ms of every start. Given a
 * target BTF that holds just those types (`btf_custom_path`), the search is nearly free. This
 * builds one in a single pass over /sys/kernel/btf/vmlinux: every struct, union and enum whose
 * name matches one of the object's (`task_struct` for `task_struct___tg`), with the types its
 * members embed; pointers point to void (CO-RE matches members by name and treats any two
 * pointers as compatible, so it never follows them into the target).
 */
#include "tollgate_core_btf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Names looked for; past this many the rest are not copied, a relocation that needs one fails
 * the load, and the loader falls back to libbpf's own search of vmlinux. */
enum { MAX_NAMES = 64 };

/* The raw kernel BTF, mapped: its types in order of id, and its strings. */
struct raw_btf {
    const uint8_t *types, *types_end;
    const char *strings;
    uint32_t strings_length;
    const struct btf_type **by_id; /* [0] unused: id 0 is void */
    uint32_t count;                /* ids 1..count-1 */
};

struct copy {
    const struct raw_btf *source;
    struct btf *target;
    int *copied;  /* source id -> target id, 0 when not yet copied */
    int void_pointer;
};

static size_t type_size(const struct btf_type *type)
{
    uint16_t vlen = BTF_INFO_VLEN(type->info);
    switch (BTF_INFO_KIND(type->info)) {
    case BTF_KIND_INT: return sizeof(*type) + sizeof(uint32_t);
    case BTF_KIND_ARRAY: return sizeof(*type) + sizeof(struct btf_array);
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: return sizeof(*type) + vlen * sizeof(struct btf_member);
    case BTF_KIND_ENUM: return sizeof(*type) + vlen * sizeof(struct btf_enum);
    case BTF_KIND_FUNC_PROTO: return sizeof(*type) + vlen * sizeof(struct btf_param);
    case BTF_KIND_VAR: return sizeof(*type) + sizeof(struct btf_var);
    case BTF_KIND_DATASEC: return sizeof(*type) + vlen * sizeof(struct btf_var_secinfo);
    case BTF_KIND_DECL_TAG: return sizeof(*type) + sizeof(struct btf_decl_tag);
    case BTF_KIND_ENUM64: return sizeof(*type) + vlen * sizeof(struct btf_enum64);
    default: return sizeof(*type); /* PTR, FWD, TYPEDEF, modifiers, FUNC, FLOAT, TYPE_TAG */
    }
}

static const char *name_of(const struct raw_btf *raw, uint32_t offset)
{
    return offset < raw->strings_length ? raw->strings + offset : "";
}

/* Indexes the types of `data` (a raw BTF blob); 0 or -errno. */
static int index_types(const uint8_t *data, size_t size, struct raw_btf *raw)
{
    const struct btf_header *header = (const struct btf_header *)data;
    if (size < sizeof(*header) || header->magic != BTF_MAGIC || header->hdr_len > size ||
        (uint64_t)header->hdr_len + header->type_off + header->type_len > size ||
        (uint64_t)header->hdr_len + header->str_off + header->str_len > size)
        return -EINVAL;
    raw->types = data + header->hdr_len + header->type_off;
    raw->types_end = raw->types + header->type_len;
    raw->strings = (const char *)data + header->hdr_len + header->str_off;
    raw->strings_length = header->str_len;
    uint32_t capacity = 1 << 16;
    raw->by_id = malloc(capacity * sizeof(*raw->by_id));
    raw->count = 1;
    for (const uint8_t *at = raw->types; raw->by_id && at + sizeof(struct btf_type) <= raw->types_end;) {
        const struct btf_type *type = (const struct btf_type *)at;
        size_t length = type_size(type);
        if (at + length > raw->types_end)
            break;
        if (raw->count == capacity) {
            const struct btf_type **grown = realloc(raw->by_id, (capacity *= 2) * sizeof(*raw->by_id));
            if (!grown) {
                free(raw->by_id);
                raw->by_id = NULL;
                break;
            }
            raw->by_id = grown;
        }
        raw->by_id[raw->count++] = type;
        at += length;
    }
    return raw->by_id ? 0 : -ENOMEM;
}

/* Copies source type `id` and what it embeds into the target; returns its target id. */
static int copy_type(struct copy *copy, uint32_t id)
{
    if (id == 0)
        return 0;
    if (id >= copy->source->count)
        return -EINVAL;
    if (copy->copied[id])
        return copy->copied[id];
    const struct btf_type *type = copy->source->by_id[id];
    const char *name = name_of(copy->source, type->name_off);
    uint16_t vlen = BTF_INFO_VLEN(type->info);
    int result;
    switch (BTF_INFO_KIND(type->info)) {
    case BTF_KIND_INT: {
        uint32_t encoding = *(const uint32_t *)(type + 1);
        result = btf__add_int(copy->target, name, type->size, BTF_INT_ENCODING(encoding));
        break;
    }
    case BTF_KIND_PTR:
        if (!copy->void_pointer)
            copy->void_pointer = btf__add_ptr(copy->target, 0);
        result = copy->void_pointer;
        break;
    case BTF_KIND_ARRAY: {
        const struct btf_array *array = (const struct btf_array *)(type + 1);
        int element = copy_type(copy, array->type), index = copy_type(copy, array->index_type);
        result = element < 0 ? element : index < 0 ? index : btf__add_array(copy->target, index, element, array->nelems);
        break;
    }
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: {
        /* Members' types first: fields attach to the type added last. */
        const struct btf_member *member = (const struct btf_member *)(type + 1);
        for (uint16_t i = 0; i < vlen; i++)
            if ((result = copy_type(copy, member[i].type)) < 0)
                return result;
        result = BTF_INFO_KIND(type->info) == BTF_KIND_STRUCT ? btf__add_struct(copy->target, name, type->size)
                                                               : btf__add_union(copy->target, name, type->size);
        int kflag = BTF_INFO_KFLAG(type->info);
        for (uint16_t i = 0; result > 0 && i < vlen; i++) {
            uint32_t bit_offset = kflag ? BTF_MEMBER_BIT_OFFSET(member[i].offset) : member[i].offset;
            uint32_t bit_size = kflag ? BTF_MEMBER_BITFIELD_SIZE(member[i].offset) : 0;
            int added = btf__add_field(copy->target, name_of(copy->source, member[i].name_off),
                                       copy->copied[member[i].type], bit_offset, bit_size);
            if (added < 0)
                return added;
        }
        break;
    }
    case BTF_KIND_ENUM: {
        const struct btf_enum *value = (const struct btf_enum *)(type + 1);
        result = btf__add_enum(copy->target, name, type->size);
        for (uint16_t i = 0; result > 0 && i < vlen; i++)
            if (btf__add_enum_value(copy->target, name_of(copy->source, value[i].name_off), value[i].val) < 0)
                return -EINVAL;
        break;
    }
    case BTF_KIND_ENUM64: {
        const struct btf_enum64 *value = (const struct btf_enum64 *)(type + 1);
        result = btf__add_enum64(copy->target, name, type->size, BTF_INFO_KFLAG(type->info));
        for (uint16_t i = 0; result > 0 && i < vlen; i++)
            if (btf__add_enum64_value(copy->target, name_of(copy->source, value[i].name_off),
                                      ((uint64_t)value[i].val_hi32 << 32) | value[i].val_lo32) < 0)
                return -EINVAL;
        break;
    }
    case BTF_KIND_FWD:
        result = btf__add_fwd(copy->target, name, BTF_INFO_KFLAG(type->info) ? BTF_FWD_UNION : BTF_FWD_STRUCT);
        break;
    case BTF_KIND_FLOAT:
        result = btf__add_float(copy->target, name, type->size);
        break;
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_CONST:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPE_TAG: {
        int referenced = copy_type(copy, type->type);
        if (referenced < 0)
            return referenced;
        switch (BTF_INFO_KIND(type->info)) {
        case BTF_KIND_TYPEDEF: result = btf__add_typedef(copy->target, name, referenced); break;
        case BTF_KIND_VOLATILE: result = btf__add_volatile(copy->target, referenced); break;
        case BTF_KIND_CONST: result = btf__add_const(copy->target, referenced); break;
        case BTF_KIND_RESTRICT: result = btf__add_restrict(copy->target, referenced); break;
        default: result = btf__add_type_tag(copy->target, name, referenced); break;
        }
        break;
    }
    default:
        return -EINVAL; /* functions, variables, sections: never embedded in a struct */
    }
    if (result > 0)
        copy->copied[id] = result;
    return result;
}

/* The part of a local type's name CO-RE matches on: `task_struct___tg` -> `task_struct`. */
static size_t essential_length(const char *name)
{
    const char *flavor = strstr(name, "___");
    return flavor ? (size_t)(flavor - name) : strlen(name);
}

static int is_copied_kind(const struct btf_type *type)
{
    int kind = BTF_INFO_KIND(type->info);
    return kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION || kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64;
}

static int build(const char **names, const size_t *lengths, int wanted, const char *vmlinux_path);

/* Collects the essential names of the named structs, unions and enums of `local`. */
static int local_names(const struct btf *local, const char **names, size_t *lengths)
{
    int count = 0;
    uint32_t types = btf__type_cnt(local);
    for (uint32_t id = 1; id < types && count < MAX_NAMES; id++) {
        const struct btf_type *type = btf__type_by_id(local, id);
        const char *name = btf__name_by_offset(local, type->name_off);
        if (!is_copied_kind(type) || !name || !*name)
            continue;
        names[count] = name;
        lengths[count++] = essential_length(name);
    }
    return count;
}

int tg_core_btf_build(const void *object, size_t size, const char *vmlinux_path)
{
    LIBBPF_OPTS(bpf_object_open_opts, options, .object_name = "tollgate");
    struct bpf_object *opened = bpf_object__open_mem(object, size, &options);
    const struct btf *local = opened ? bpf_object__btf(opened) : NULL;
    const char *names[MAX_NAMES];
    size_t lengths[MAX_NAMES];
    int wanted = local ? local_names(local, names, lengths) : 0;
    int result = !local ? -EINVAL : wanted == 0 ? -ENODATA : build(names, lengths, wanted, vmlinux_path);
    bpf_object__close(opened); /* after build: the names point into the object's BTF */
    return result;
}

static int build(const char **names, const size_t *lengths, int wanted, const char *vmlinux_path)
{
    int fd = open(vmlinux_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat status;
    void *data = fstat(fd, &status) == 0 ? mmap(NULL, (size_t)status.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    close(fd);
    if (data == MAP_FAILED)
        return -errno; /* kernels before 6.16 cannot map it: the caller keeps libbpf's own search */
    struct raw_btf raw = {0};
    struct copy copy = {.source = &raw};
    int result = index_types(data, (size_t)status.st_size, &raw);
    if (result == 0) {
        copy.target = btf__new_empty();
        copy.copied = calloc(raw.count, sizeof(*copy.copied));
        result = copy.target && copy.copied ? 0 : -ENOMEM;
    }
    for (uint32_t id = 1; result >= 0 && id < raw.count; id++) {
        const struct btf_type *type = raw.by_id[id];
        if (!is_copied_kind(type) || !type->name_off)
            continue;
        const char *name = name_of(&raw, type->name_off);
        for (int i = 0; i < wanted; i++)
            if (strncmp(name, names[i], lengths[i]) == 0 && name[lengths[i]] == 0) {
                result = copy_type(&copy, id);
                break;
            }
    }
    int out = -1;
    if (result >= 0) {
        uint32_t size;
        const void *bytes = btf__raw_data(copy.target, &size);
        out = bytes ? memfd_create("tollgate-core-btf", MFD_CLOEXEC) : -1;
        if (out < 0 || write(out, bytes, size) != (ssize_t)size) {
            result = -(errno ? errno : EIO);
            if (out >= 0)
                close(out);
            out = -1;
        }
    }
    btf__free(copy.target);
    free(copy.copied);
    free(raw.by_id);
    munmap(data, (size_t)status.st_size);
    return out >= 0 ? out : result;
}
