/*
 * SOFTMAX over the innermost axis, int8 input, int8 (scale 1/256, zero point -128) or
 * int16 (scale 1/65536, zero point -32768) output; TFLM's fixed-point reference:
 *   for each row: m = max(row); e[c] = exp_table[m - x[c]] (Q0.31, exp of the scaled
 *   difference; 0 where the difference is below the reference's diff_min);
 *   sum = sum_c round(e[c] / 2^12) (Q12.19); r = the reciprocal of sum, as the
 *   reference's GetReciprocal (1/(1+x) Newton-Raphson, Q0.31, num_bits_over_unit);
 *   y[c] = clamp(round(r * e[c] / 2^exponent) + out_min), exponent = num_bits_over_unit
 *   + 31 - output_bits.
 * The host computes exp_table by the reference's exact arithmetic for all 256 possible
 * differences (micro/ops/softmax.py). Where the reference would abort (int8 output and a
 * row whose sum of exponentials is >= 512: exponent > 31), every output of the row is
 * out_min, the value the arithmetic tends to.
 */
#ifndef MICRO_KERNELS_SOFTMAX_S8_H
#define MICRO_KERNELS_SOFTMAX_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t rows;           /* >= 1: product of the outer dims */
    int32_t depth;          /* >= 1: the innermost dim */
    int32_t output_bits;    /* 8: int8 output, 16: int16 output */
} micro_softmax_s8_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_SOFTMAX_S8_INPUT,      /* int8[rows*depth] */
    MICRO_SOFTMAX_S8_EXP_TABLE,  /* int32[256] (index: max - x, entries in [0, 2^31)) */
    MICRO_SOFTMAX_S8_OUTPUT,     /* int8 or int16 [rows*depth] */
    MICRO_SOFTMAX_S8_N_OPERANDS
} micro_softmax_s8_operand_t;

micro_status_t micro_softmax_s8(const micro_softmax_s8_params_t *p, const int8_t *input,
                                const int32_t *exp_table, void *output);

#endif
