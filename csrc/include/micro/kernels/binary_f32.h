/*
 * ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM on float32, with
 * broadcasting (TFLM's reference float kernels):
 *   output = min(max(input1 OP input2, act_min), act_max)
 * where SQUARED_DIFFERENCE is (x - y) * (x - y), MAXIMUM x > y ? x : y, MINIMUM x < y ? x : y
 * (the host passes an infinite range for the ops without a fused activation)
 * in that order, with C's comparisons, so NaN passes through and, as in TFLM, an infinite
 * result is clamped to +/-FLT_MAX when the range is [-FLT_MAX, FLT_MAX] (no activation).
 */
#ifndef MICRO_KERNELS_BINARY_F32_H
#define MICRO_KERNELS_BINARY_F32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/broadcast.h"

#define MICRO_BINARY_F32_ADD 0
#define MICRO_BINARY_F32_SUB 1
#define MICRO_BINARY_F32_MUL 2
#define MICRO_BINARY_F32_DIV 3
#define MICRO_BINARY_F32_SQUARED_DIFFERENCE 4
#define MICRO_BINARY_F32_MAXIMUM 5
#define MICRO_BINARY_F32_MINIMUM 6

typedef struct {
    int32_t rank;                           /* [1, MICRO_BROADCAST_RANK] */
    int32_t dims[MICRO_BROADCAST_RANK];     /* output extents, outermost first, >= 1 */
    int32_t stride1[MICRO_BROADCAST_RANK];  /* input1 strides in elements, >= 0 (0: broadcast) */
    int32_t stride2[MICRO_BROADCAST_RANK];  /* input2 strides in elements, >= 0 (0: broadcast) */
    int32_t op;                             /* one of MICRO_BINARY_F32_* */
    float act_min;                          /* <= act_max */
    float act_max;
} micro_binary_f32_params_t;

/* Operands: input1 f32, input2 f32 (each as large as its strides reach), output
 * f32[product of dims]. */
micro_status_t micro_binary_f32(const micro_binary_f32_params_t *p, const float *input1,
                                const float *input2, float *output);

#endif
