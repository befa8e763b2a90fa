/*
 * DYNAMIC_UPDATE_SLICE with start indices read at run time (any element type; bytes
 * move), as TFLM: the output is the operand with the update written at
 *   start[d] = clamp(indices[d], 0, dims[d] - update_dims[d])
 * (indices int32 or int64, clamped in 64 bits). An update as large as the operand is
 * copied as it is.
 */
#ifndef MICRO_KERNELS_UPDATE_SLICE_H
#define MICRO_KERNELS_UPDATE_SLICE_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_UPDATE_SLICE_MAX_DIMS 6

typedef struct {
    int32_t elem_size;                                /* bytes per element: 1, 2, 4 or 8 */
    int32_t index_width;                              /* 4 (int32) or 8 (int64) */
    int32_t rank;                                     /* [1, MICRO_UPDATE_SLICE_MAX_DIMS] */
    int32_t dims[MICRO_UPDATE_SLICE_MAX_DIMS];        /* >= 1: the operand's; first rank */
    int32_t update_dims[MICRO_UPDATE_SLICE_MAX_DIMS]; /* [1, dims[d]] */
} micro_update_slice_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_UPDATE_SLICE_OPERAND,
    MICRO_UPDATE_SLICE_UPDATE,
    MICRO_UPDATE_SLICE_INDICES,
    MICRO_UPDATE_SLICE_OUTPUT,
    MICRO_UPDATE_SLICE_N_OPERANDS
} micro_update_slice_operand_t;

/* Operands: operand [dims], update [update_dims], indices [rank] (index_width bytes each),
 * output [dims]. */
micro_status_t micro_update_slice(const micro_update_slice_params_t *p, const void *operand,
                                  const void *update, const void *indices, void *output);

#endif
