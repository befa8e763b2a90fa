/*
 * SOFTMAX over the innermost axis, int16 in and out (zero points 0, output scale 1/32768);
 * TFLM's LUT-based reference:
 *   for each row: m = max(row); e[c] = lookup(exp_lut, clamp(requant(x[c] - m) + 32767))
 *   (Q0.15; requant scales [-65535, 0] to [-10, 0]); s = sum_c e[c];
 *   h = leading zeros of s; r = lookup(recip_lut, clamp(round(s * 2^(h-1) / 2^14) - 98304))
 *   (1 / (1 + x), Q0.15); y[c] = clamp(round(e[c] * r / 2^(31 - h)), 0, 32767).
 * lookup(lut, v): lut[256 + (v >> 7)] plus the slope to the next knot times (v & 127),
 * rounded, in units of 2^-7. The tables are TFLM's LUTPopulate<int16_t> of exp on
 * [-10, 0] and of 1 / (1 + x) on [0, 1], 513 knots each, built by the host.
 */
#ifndef MICRO_KERNELS_SOFTMAX_S16_H
#define MICRO_KERNELS_SOFTMAX_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_SOFTMAX_S16_LUT 513
#define MICRO_SOFTMAX_S16_MAX_DEPTH 65535

typedef struct {
    int32_t rows;           /* >= 1: product of the outer dims */
    int32_t depth;          /* [1, MICRO_SOFTMAX_S16_MAX_DEPTH]: the innermost dim */
    int32_t multiplier;     /* [0, 2^31): input scale * beta / (10 / 65535) */
    int32_t shift;          /* [-31, 30], > 0: left */
} micro_softmax_s16_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_SOFTMAX_S16_INPUT,
    MICRO_SOFTMAX_S16_LUTS,
    MICRO_SOFTMAX_S16_OUTPUT,
    MICRO_SOFTMAX_S16_N_OPERANDS
} micro_softmax_s16_operand_t;

/* Operands: input int16[rows*depth], luts int16[2][MICRO_SOFTMAX_S16_LUT] (exp, then
 * 1 / (1 + x)), output int16[rows*depth]. */
micro_status_t micro_softmax_s16(const micro_softmax_s16_params_t *p, const int16_t *input,
                                 const int16_t *luts, int16_t *output);

#endif
