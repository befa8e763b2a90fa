/*
 * DIV, int8, with broadcasting (TFLM's quantized kernel, bit for bit). For x = input1 - zp1
 * and y = input2 - zp2 (signs moved so that y >= 0):
 *   h = leading sign bits of x, (r, e) = reciprocal of y (host table, r in Q0, e its
 *   exponent), q = high_mul(x << h, r), t = shift - e - h,
 *   output = clamp(output_zp + round_shift_right(high_mul(q, multiplier), -t), act_min, act_max)
 * The reference's final shift can reach 38 bits and its reciprocal of y = 0 shifts by 32,
 * beyond what C++ defines; TFLM's bytes there are those of its x86-64 build (a shift count
 * taken modulo 32), which the kernel reproduces on every target.
 */
#ifndef MICRO_KERNELS_DIV_S8_H
#define MICRO_KERNELS_DIV_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/broadcast.h"

typedef struct {
    micro_broadcast_t broadcast;            /* the loop nest (micro/kernels/broadcast.h) */
    int32_t input1_zp;                      /* [-128, 127] */
    int32_t input2_zp;                      /* [-128, 127] */
    int32_t output_zp;                      /* [-128, 127] */
    int32_t multiplier;                     /* [0, 2^31): input1 / (input2 * output) scale */
    int32_t shift;                          /* [-25, 22], > 0: left */
    int32_t act_min;                        /* [-128, act_max] */
    int32_t act_max;                        /* [act_min, 127] */
} micro_div_s8_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_DIV_S8_INPUT1,
    MICRO_DIV_S8_INPUT2,
    MICRO_DIV_S8_RECIPROCALS,
    MICRO_DIV_S8_OUTPUT,
    MICRO_DIV_S8_N_OPERANDS
} micro_div_s8_operand_t;

/* Operands: input1 int8, input2 int8 (as large as their strides reach), reciprocals
 * int32[2][256] (by input2's byte: TFLM's GetReciprocal(|y|, 31) raw value, then its
 * exponent in [-1, 7]), output int8 [product of dims]. */
micro_status_t micro_div_s8(const micro_div_s8_params_t *p, const int8_t *input1,
                            const int8_t *input2, const int32_t *reciprocals, int8_t *output);

#endif
