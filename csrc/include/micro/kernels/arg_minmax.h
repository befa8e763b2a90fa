/*
 * ARG_MAX and ARG_MIN along one axis (TFLM's reference): for each (outer, inner) position,
 * the index of the first largest (smallest) value along the axis, by a strict comparison
 * (so ties and NaN keep the earlier index), written as int32 or int64.
 */
#ifndef MICRO_KERNELS_ARG_MINMAX_H
#define MICRO_KERNELS_ARG_MINMAX_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_ARG_F32 0
#define MICRO_ARG_S8 1

typedef struct {
    int32_t outer;      /* >= 1: product of the dims before the axis */
    int32_t axis_size;  /* >= 1 */
    int32_t inner;      /* >= 1: product of the dims after the axis */
    int32_t kind;       /* MICRO_ARG_F32 or MICRO_ARG_S8: the input type */
    int32_t is_min;     /* 0: ARG_MAX, 1: ARG_MIN */
    int32_t out_width;  /* 4 (int32 output) or 8 (int64) */
} micro_arg_minmax_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_ARG_MINMAX_INPUT,
    MICRO_ARG_MINMAX_OUTPUT,
    MICRO_ARG_MINMAX_N_OPERANDS
} micro_arg_minmax_operand_t;

/* Operands: input [outer, axis_size, inner], output [outer, inner]. */
micro_status_t micro_arg_minmax(const micro_arg_minmax_params_t *p, const void *input,
                                void *output);

#endif
