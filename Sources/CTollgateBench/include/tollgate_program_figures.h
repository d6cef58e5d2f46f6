/* What the kernel's verifier did for the BPF programs this process holds: for tests, which
 * load the capture program through the product's API (tg_capture_load) and read the figures
 * back from the kernel. */
#ifndef TOLLGATE_PROGRAM_FIGURES_H
#define TOLLGATE_PROGRAM_FIGURES_H

#include <stdint.h>

struct tg_program_figures {
    uint32_t id;                 /* the kernel's program id */
    char name[16];               /* its name, as the kernel keeps it (BPF_OBJ_NAME_LEN) */
    uint32_t verified_insns;     /* instructions the verifier processed (Linux 5.16+) */
};

/* Writes the figures of up to `capacity` BPF programs this process has a descriptor of into
 * `figures`, each program once. Returns the number written, or -errno. */
int tg_read_program_figures(struct tg_program_figures *figures, int capacity);

#endif
