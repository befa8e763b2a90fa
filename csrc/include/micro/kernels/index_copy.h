/*
 * INDEX_COPY: gather runs of elements through one offset table per output dimension, for
 * any element type (bytes are moved, never interpreted):
 *
 *   for every index i in [0, shape[0]) x ... x [0, shape[n_dims - 1]):
 *     output[row-major(i) * run .. + run) = input[sum_k table_k[i[k]] .. + run)
 *
 * Each table maps an output coordinate to an input offset in elements, so any op whose
 * source coordinate depends on each output coordinate separately is one step:
 * RESIZE_NEAREST_NEIGHBOR (row and column maps), MIRROR_PAD (reflected indices), GATHER
 * with constant indices, ... The host computes the tables once; the kernel only adds.
 */
#ifndef MICRO_KERNELS_INDEX_COPY_H
#define MICRO_KERNELS_INDEX_COPY_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_INDEX_COPY_MAX_DIMS 6

typedef struct {
    int32_t elem_size;                        /* bytes per element: 1, 2, 4 or 8 */
    int32_t n_dims;                           /* [1, MICRO_INDEX_COPY_MAX_DIMS] */
    int32_t shape[MICRO_INDEX_COPY_MAX_DIMS]; /* output extent per dim, >= 1; first n_dims */
    int32_t run;                              /* >= 1: contiguous elements per position */
} micro_index_copy_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_INDEX_COPY_INPUT,
    MICRO_INDEX_COPY_TABLES,
    MICRO_INDEX_COPY_OUTPUT,
    MICRO_INDEX_COPY_N_OPERANDS
} micro_index_copy_operand_t;

/* Operands: input (elements), tables int32[shape[0] + ... + shape[n_dims - 1]] (table k
 * follows table k - 1; entries >= 0, in elements; every sum plus run stays inside the
 * input), output (prod(shape) * run elements). Input and output must not overlap. */
micro_status_t micro_index_copy(const micro_index_copy_params_t *p, const void *input,
                                const int32_t *tables, void *output);

#endif
