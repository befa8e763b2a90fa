/*
 * L2_NORMALIZATION, int8, over the innermost axis (TFLM's integer reference, bit for bit):
 *   for each row: s = sum_c (x[c] - input_zp)^2; (m, e) = inverse square root of s
 *   (gemmlowp Newton steps, micro_fx_inv_sqrt); y[c] = clamp(requant(x[c] - input_zp, m,
 *   e + 7), -128, 127)
 * The output is in units of 1/128 with zero point 0 whatever the output tensor says, as
 * in TFLM.
 */
#ifndef MICRO_KERNELS_L2_NORM_S8_H
#define MICRO_KERNELS_L2_NORM_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_L2_NORM_S8_MAX_DEPTH 32768

typedef struct {
    int32_t rows;       /* >= 1: product of the outer dims */
    int32_t depth;      /* [1, MICRO_L2_NORM_S8_MAX_DEPTH]: the sum of squares fits int32 */
    int32_t input_zp;   /* [-128, 127] */
} micro_l2_norm_s8_params_t;

/* Operand slots, in a step's order: input int8[rows*depth], output int8[rows*depth]. */
typedef enum {
    MICRO_L2_NORM_S8_INPUT,
    MICRO_L2_NORM_S8_OUTPUT,
    MICRO_L2_NORM_S8_N_OPERANDS
} micro_l2_norm_s8_operand_t;

micro_status_t micro_l2_norm_s8(const micro_l2_norm_s8_params_t *p, const int8_t *input,
                                int8_t *output);

#endif
