/*
 * REDUCE_MAX and REDUCE_MIN of int8 over some axes (input and output share scale and
 * zero point, as TFLM requires): output = the max (or min) of the raw int8 inputs over
 * the reduced axes. The input layout is reduce_shape.h's; the output accumulates in
 * place, so no scratch is needed.
 */
#ifndef MICRO_KERNELS_REDUCE_MINMAX_S8_H
#define MICRO_KERNELS_REDUCE_MINMAX_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/reduce_shape.h"

typedef struct {
    int32_t rank;           /* [2, MICRO_REDUCE_MAX_DIMS] */
    int32_t dims[8];        /* MICRO_REDUCE_MAX_DIMS; dims[0..rank) >= 1, the rest ignored */
    uint32_t reduced;       /* bit i set: dims[i] is reduced; bit 0 clear, bit 1 set */
    int32_t minimum;        /* 0: REDUCE_MAX, 1: REDUCE_MIN */
} micro_reduce_minmax_s8_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_REDUCE_MINMAX_S8_INPUT,   /* int8[prod dims] */
    MICRO_REDUCE_MINMAX_S8_OUTPUT,  /* int8[prod kept dims] */
    MICRO_REDUCE_MINMAX_S8_N_OPERANDS
} micro_reduce_minmax_s8_operand_t;

micro_status_t micro_reduce_minmax_s8(const micro_reduce_minmax_s8_params_t *p,
                                      const int8_t *input, int8_t *output);

#endif
