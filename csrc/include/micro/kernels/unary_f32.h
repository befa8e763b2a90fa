/*
 * Elementwise float32 functions as TFLM's reference kernels compute them:
 *   NEG -x;  SQUARE x * x;  SQRT sqrt(x);  RSQRT 1 / sqrt(x);  FLOOR, CEIL;
 *   ROUND half to even (TFLM: f = floor(x), x - f compared with 0.5, ties by f's parity);
 *   ABS |x| (the sign bit cleared, NaNs too, as fabsf does);
 *   RELU x < 0 ? 0 : x;  RELU6 x > 6 ? 6 : (x < 0 ? 0 : x)  (-0 and NaN pass through);
 *   HARD_SWISH x * min(6, max(0, x + 3)) / 6, left to right, with std::min / std::max's
 *   comparisons (a NaN x + 3 gives max 0, so NaN * 0)
 * sqrt is the IEEE-754 correctly rounded square root, computed with integer arithmetic
 * (no libm on the device), so every board gives the host's bytes; a negative input gives
 * the x86 default NaN (0xFFC00000), as the oracle running on the host does. FLOOR and
 * CEIL work on the bits (signed zeros and infinities as C's floorf and ceilf).
 */
#ifndef MICRO_KERNELS_UNARY_F32_H
#define MICRO_KERNELS_UNARY_F32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_UNARY_F32_NEG 0
#define MICRO_UNARY_F32_SQUARE 1
#define MICRO_UNARY_F32_SQRT 2
#define MICRO_UNARY_F32_RSQRT 3
#define MICRO_UNARY_F32_FLOOR 4
#define MICRO_UNARY_F32_CEIL 5
#define MICRO_UNARY_F32_ROUND 6
#define MICRO_UNARY_F32_ABS 7
#define MICRO_UNARY_F32_RELU 8
#define MICRO_UNARY_F32_RELU6 9
#define MICRO_UNARY_F32_HARD_SWISH 10

typedef struct {
    int32_t op;     /* one of MICRO_UNARY_F32_* */
    int32_t count;  /* >= 1: elements */
} micro_unary_f32_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_UNARY_F32_INPUT,
    MICRO_UNARY_F32_OUTPUT,
    MICRO_UNARY_F32_N_OPERANDS
} micro_unary_f32_operand_t;

/* Operands: input f32[count], output f32[count] (may be the same buffer). */
micro_status_t micro_unary_f32(const micro_unary_f32_params_t *p, const float *input,
                               float *output);

#endif
