/*
 * L2_NORMALIZATION over the innermost axis, float32, as TFLM's float reference: per row,
 *   s = 0.0f; s += x * x (in order);  n = sqrt(s);  n = n < 1e-6f ? 1e-6f : n  (std::max);
 *   output = x / n
 * with the correctly rounded square root on the bits (float_bits.h), so every target
 * gives the host's bytes.
 */
#ifndef MICRO_KERNELS_L2_NORM_F32_H
#define MICRO_KERNELS_L2_NORM_F32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t rows;   /* >= 1 */
    int32_t depth;  /* >= 1: values per row */
} micro_l2_norm_f32_params_t;

/* Operand slots, in a step's order. */
typedef enum {
    MICRO_L2_NORM_F32_INPUT,   /* f32[rows * depth] */
    MICRO_L2_NORM_F32_OUTPUT,  /* f32[rows * depth] */
    MICRO_L2_NORM_F32_N_OPERANDS
} micro_l2_norm_f32_operand_t;

micro_status_t micro_l2_norm_f32(const micro_l2_norm_f32_params_t *p, const float *input,
                                 float *output);

#endif
