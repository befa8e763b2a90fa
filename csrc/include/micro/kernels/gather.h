/*
 * GATHER along one axis, with indices read at run time (any element type; bytes move):
 *   output[b, o, i, :] = input[b, o, coords[b, i], :]
 * where b walks the batch dims (batch_dims), o the dims before the axis, and ":" the
 * `inner` elements after it. An index outside [0, axis_size) stops the kernel with
 * MICRO_ERR_INDEX: TFLM only asserts it in debug builds and would read out of bounds.
 */
#ifndef MICRO_KERNELS_GATHER_H
#define MICRO_KERNELS_GATHER_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t elem_size;  /* bytes per element: 1, 2, 4 or 8 */
    int32_t batches;    /* >= 1: product of the batch dims */
    int32_t outer;      /* >= 1: product of the dims between the batch dims and the axis */
    int32_t axis_size;  /* >= 1: extent of the gathered axis */
    int32_t n_coords;   /* >= 1: indices per batch */
    int32_t inner;      /* >= 1: elements after the axis */
} micro_gather_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_GATHER_INPUT,
    MICRO_GATHER_COORDS,
    MICRO_GATHER_OUTPUT,
    MICRO_GATHER_N_OPERANDS
} micro_gather_operand_t;

/* Operands: input [batches, outer, axis_size, inner], coords int32[batches, n_coords],
 * output [batches, outer, n_coords, inner]. */
micro_status_t micro_gather(const micro_gather_params_t *p, const void *input,
                            const int32_t *coords, void *output);

#endif
