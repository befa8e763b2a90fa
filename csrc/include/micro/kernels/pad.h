/*
 * PAD: surround an N-d tensor with a constant, for any element type (bytes are moved,
 * never interpreted):
 *
 *   output shape[k] = before[k] + in_shape[k] + after[k]
 *   output[j] = input[j - before] where every j[k] - before[k] lies in [0, in_shape[k]),
 *               else the pad value
 *
 * One pass over the output, row-major: padded slabs are filled, interior rows are copied
 * with memcpy. The host merges dimensions that carry no padding into their outer neighbour.
 */
#ifndef MICRO_KERNELS_PAD_H
#define MICRO_KERNELS_PAD_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_PAD_MAX_DIMS 6

typedef struct {
    int32_t elem_size;                    /* bytes per element: 1, 2, 4 or 8 */
    int32_t n_dims;                       /* [1, MICRO_PAD_MAX_DIMS], outermost first */
    int32_t in_shape[MICRO_PAD_MAX_DIMS]; /* >= 1; first n_dims used */
    int32_t before[MICRO_PAD_MAX_DIMS];   /* >= 0: pad elements before the input, per dim */
    int32_t after[MICRO_PAD_MAX_DIMS];    /* >= 0: pad elements after the input, per dim */
} micro_pad_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_PAD_INPUT,   /* prod(in_shape) elements */
    MICRO_PAD_VALUE,   /* 1 element: the pad value */
    MICRO_PAD_OUTPUT,  /* prod(before + in_shape + after) elements */
    MICRO_PAD_N_OPERANDS
} micro_pad_operand_t;

micro_status_t micro_pad(const micro_pad_params_t *p, const void *input, const void *value,
                         void *output);

#endif
