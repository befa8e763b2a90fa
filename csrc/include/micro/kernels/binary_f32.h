/*
 * ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM, FLOOR_DIV, FLOOR_MOD on
 * float32, with broadcasting (TFLM's reference float kernels):
 *   output = min(max(input1 OP input2, act_min), act_max)
 * in that order, with C's comparisons, so NaN passes through and, as in TFLM, an infinite
 * result is clamped to +/-FLT_MAX when the range is [-FLT_MAX, FLT_MAX] (no activation).
 * FLOOR_DIV is floor(double(x) / double(y)) rounded to float, and stops with
 * MICRO_ERR_PARAMS if any y is zero (TFLM's Eval fails); FLOOR_MOD is fmod(x, y) moved to
 * y's sign when they differ (r + y), with exact fmod and floor (no libm).
 * PRELU is x >= 0 ? x : x * y (TFLM's BroadcastPrelu4DSlowFloat; y the alpha tensor),
 * LEAKY_RELU x > 0 ? x : x * y (y the alpha option, a one-element constant): they differ on
 * -0 and +0 with a negative alpha. Neither clamps: the host gives them [-inf, inf].
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
#define MICRO_BINARY_F32_FLOOR_DIV 7
#define MICRO_BINARY_F32_FLOOR_MOD 8
#define MICRO_BINARY_F32_PRELU 9
#define MICRO_BINARY_F32_LEAKY_RELU 10

typedef struct {
    micro_broadcast_t broadcast;            /* input1, input2 -> output (broadcast.h) */
    int32_t op;                             /* one of MICRO_BINARY_F32_* */
    float act_min;                          /* <= act_max */
    float act_max;
} micro_binary_f32_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_BINARY_F32_INPUT1,  /* f32, as large as its strides reach */
    MICRO_BINARY_F32_INPUT2,  /* f32, likewise */
    MICRO_BINARY_F32_OUTPUT,  /* f32[product of dims] */
    MICRO_BINARY_F32_N_OPERANDS
} micro_binary_f32_operand_t;

micro_status_t micro_binary_f32(const micro_binary_f32_params_t *p, const float *input1,
                                const float *input2, float *output);

#endif
