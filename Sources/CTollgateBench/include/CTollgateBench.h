/* Umbrella header of the CTollgateBench module: C for benchmarks and tests, not shipped. */
#ifndef CTOLLGATE_BENCH_H
#define CTOLLGATE_BENCH_H

#include "tollgate_floor.h"
#include "tollgate_program_figures.h"

#endif
