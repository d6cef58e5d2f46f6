/* A minimal copy of the kernel's BTF for CO-RE relocation (core_btf.c). */
#ifndef TOLLGATE_CORE_BTF_H
#define TOLLGATE_CORE_BTF_H

#include <stddef.h>
#include <bpf/btf.h> /* for callers that read the result */

/* Writes into a new memfd a BTF holding the structs, unions and enums of `vmlinux_path` (a raw
 * BTF file, mapped) named like those of the BPF object `object` (an ELF in memory), with the
 * types they embed. Returns the memfd, or -errno: EINVAL when the object has no BTF or the file
 * is not BTF, ENODATA when the object names no such type, or why the file cannot be mapped. */
int tg_core_btf_build(const void *object, size_t size, const char *vmlinux_path);

#endif
