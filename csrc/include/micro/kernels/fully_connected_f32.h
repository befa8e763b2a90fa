/*
 * FULLY_CONNECTED, float32. output[b][n] = clamp(sum_k input[b][k] * filter[n][k] + bias[n]),
 * summed in k order exactly like TFLM's reference kernel (no reassociation).
 */
#ifndef MICRO_KERNELS_FULLY_CONNECTED_F32_H
#define MICRO_KERNELS_FULLY_CONNECTED_F32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t batches;        /* B >= 1 */
    int32_t input_depth;    /* K >= 1 */
    int32_t output_depth;   /* N >= 1 */
    float act_min;          /* -inf when no activation */
    float act_max;          /* +inf when no activation */
} micro_fully_connected_f32_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_FULLY_CONNECTED_F32_INPUT,   /* f32[B*K] */
    MICRO_FULLY_CONNECTED_F32_FILTER,  /* f32[N*K] */
    MICRO_FULLY_CONNECTED_F32_BIAS,    /* f32[N], or absent */
    MICRO_FULLY_CONNECTED_F32_OUTPUT,  /* f32[B*N] */
    MICRO_FULLY_CONNECTED_F32_N_OPERANDS
} micro_fully_connected_f32_operand_t;

micro_status_t micro_fully_connected_f32(const micro_fully_connected_f32_params_t *p,
                                         const float *input, const float *filter,
                                         const float *bias, float *output);

#endif
