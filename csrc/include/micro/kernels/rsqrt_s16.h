/*
 * RSQRT, int16, zero points 0 (TFLM's integer reference, bit for bit): for v = input > 0,
 *   (m, e) = inverse square root of v (micro_fx_inv_sqrt); r = requant(1, m, e + 20);
 *   output = clamp(requant(r, multiplier, shift), -32768, 32767)
 * with multiplier * 2^(shift + 20) = 1 / (sqrt(input_scale) * output_scale). v = 0 gives
 * 32767 as in TFLM; TFLM stops with an error on v < 0, where the kernel gives 32767 too.
 * (int8 RSQRT is a lut_s8 table.)
 */
#ifndef MICRO_KERNELS_RSQRT_S16_H
#define MICRO_KERNELS_RSQRT_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t count;          /* >= 1: elements */
    int32_t multiplier;     /* [0, 2^31) */
    int32_t shift;          /* [-31, 30], > 0: left (the rescale's shift minus 20) */
} micro_rsqrt_s16_params_t;

/* Operand slots: input int16[count], output int16[count]. */
typedef enum {
    MICRO_RSQRT_S16_INPUT,
    MICRO_RSQRT_S16_OUTPUT,
    MICRO_RSQRT_S16_N_OPERANDS
} micro_rsqrt_s16_operand_t;

micro_status_t micro_rsqrt_s16(const micro_rsqrt_s16_params_t *p, const int16_t *input,
                               int16_t *output);

#endif
