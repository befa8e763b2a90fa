/*
 * The kernel contract. A kernel is a pure function of a params struct (computed once on
 * the host by micro's prepare step) and its operands (pointers into the arena or the
 * program's constant data, in the order its header lists them; NULL for an absent
 * optional operand). It never allocates and keeps no state between calls.
 *
 * Each kernel also has a check function, run once by micro_init: given the params, the
 * operands and the byte size of every operand it returns MICRO_OK only if running the
 * kernel would stay inside those operands and within defined behaviour (it may read the
 * constant operands, e.g. to range-check per-channel shifts; arena contents are not yet
 * meaningful). This is what makes a corrupt or hostile program an error
 * code instead of a stray write.
 *
 * A kernel may also state an overlap rule (csrc/kernels/overlap.h): gap(params, sizes,
 * in, out) is the smallest input_base - output_base, in bytes, at which output operand
 * `out` may share bytes with input operand `in` and still compute exactly what it computes
 * from separate buffers, or MICRO_NO_OVERLAP (also for a pair it does not allow). A kernel
 * without a rule says so in its table entry with MICRO_OVERLAP_NONE and a comment giving
 * the reason: its operands never overlap.
 */
#ifndef MICRO_KERNEL_H
#define MICRO_KERNEL_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef micro_status_t (*micro_run_fn)(const void *params, void *const *operands);
typedef micro_status_t (*micro_check_fn)(const void *params, void *const *operands,
                                         const uint32_t *sizes);

#define MICRO_NO_OVERLAP 0xFFFFFFFF
/* micro_kernel_t.gap of a kernel whose operands never overlap (tests/test_overlap.py
 * requires every kernel to state a rule or this). */
#define MICRO_OVERLAP_NONE ((micro_gap_fn)0)

typedef uint32_t (*micro_gap_fn)(const void *params, const uint32_t *sizes, uint32_t in,
                                 uint32_t out);

typedef struct {
    micro_run_fn run;
    micro_check_fn check;
    uint32_t params_size;   /* sizeof the kernel's params struct */
    uint32_t n_operands;    /* exact operand count */
    micro_gap_fn gap;       /* overlap rule, or MICRO_OVERLAP_NONE */
} micro_kernel_t;

/* Kernel ids, one per line of micro/kernels.def (part of the program format). */
typedef enum {
#define MICRO_KERNEL(id, NAME, name, access) MICRO_K_##NAME = id,
#include "micro/kernels.def"
#undef MICRO_KERNEL
    MICRO_K_COUNT = 128
} micro_kernel_id_t;

/* The kernel table (csrc/runtime/kernel_table.c): NULL where a kernel is not linked. */
const micro_kernel_t *micro_kernel_get(uint32_t id);
/* The kernel's operand access letters (kernels.def: i, c, o, s, v, r), one per operand; NULL
 * where no kernel is registered. */
const char *micro_kernel_access(uint32_t id);

#endif
