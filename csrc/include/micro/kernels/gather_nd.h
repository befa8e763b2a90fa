/*
 * GATHER_ND with indices read at run time (any element type; bytes move), as TFLM:
 *   output[i, :] = params[from_i .. from_i + slice_size)
 *   from_i = sum_j indices[i, j] * strides[j]       (j < index_depth)
 * Like TFLM, only the flat position is checked: from_i < 0 or from_i + slice_size past
 * the params stops the kernel with MICRO_ERR_INDEX (an index past its own dimension that
 * stays inside the tensor reads there, as in TFLM).
 */
#ifndef MICRO_KERNELS_GATHER_ND_H
#define MICRO_KERNELS_GATHER_ND_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_GATHER_ND_MAX_DEPTH 5

typedef struct {
    int32_t elem_size;                          /* bytes per element: 1, 2, 4 or 8 */
    int32_t n_slices;                           /* >= 1: index tuples */
    int32_t index_depth;                        /* [1, MICRO_GATHER_ND_MAX_DEPTH] */
    int32_t slice_size;                         /* >= 1: elements per slice */
    int32_t params_count;                       /* >= slice_size: elements of params */
    int32_t strides[MICRO_GATHER_ND_MAX_DEPTH]; /* >= 0: elements per step of index j */
} micro_gather_nd_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_GATHER_ND_PARAMS,
    MICRO_GATHER_ND_INDICES,
    MICRO_GATHER_ND_OUTPUT,
    MICRO_GATHER_ND_N_OPERANDS
} micro_gather_nd_operand_t;

/* Operands: params [params_count], indices int32[n_slices][index_depth], output
 * [n_slices][slice_size]. */
micro_status_t micro_gather_nd(const micro_gather_nd_params_t *p, const void *params,
                               const int32_t *indices, void *output);

#endif
