/* Umbrella header of the CTollgate module: the only C in tollgate. */
#ifndef CTOLLGATE_H
#define CTOLLGATE_H

#include "tollgate_record.h"
#include "tollgate_bpf.h"
#include "tollgate_core_btf.h"
#include "tollgate_probe.h"
#include "tollgate_memory.h"
#include "tollgate_launch.h"
#include "tollgate_ptrace.h"
#include "tollgate_seccomp.h"

#endif
