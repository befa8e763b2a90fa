/*
 * FULLY_CONNECTED, int8 activations and weights, int32 bias.
 *   output[b][n] = clamp(output_zp + requant(sum_k input[b][k] * filter[n][k]
 *                                           - filter_zp * sum_k input[b][k] + bias[n]))
 * `bias` here is the folded bias prepared on the host:
 *   bias[n] = model_bias[n] - input_zp * sum_k filter[n][k] + K * input_zp * filter_zp,
 * so the product (input - input_zp) * (filter - filter_zp) costs one int8 dot product.
 */
#ifndef MICRO_KERNELS_FULLY_CONNECTED_S8_H
#define MICRO_KERNELS_FULLY_CONNECTED_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t batches;        /* B >= 1: rows of input and output */
    int32_t input_depth;    /* K >= 1 */
    int32_t output_depth;   /* N >= 1 */
    int32_t filter_zp;      /* [-128, 127]; 0 for symmetric weights */
    int32_t output_zp;      /* [-128, 127] */
    int32_t act_min;        /* [-128, act_max] */
    int32_t act_max;        /* [act_min, 127] */
    int32_t per_channel;    /* 0: one multiplier/shift, 1: N of each */
} micro_fully_connected_s8_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_FULLY_CONNECTED_S8_INPUT,       /* int8[B*K] */
    MICRO_FULLY_CONNECTED_S8_FILTER,      /* int8[N*K] */
    MICRO_FULLY_CONNECTED_S8_BIAS,        /* int32[N] (folded, see above) */
    MICRO_FULLY_CONNECTED_S8_MULTIPLIER,  /* int32[1 or N] */
    MICRO_FULLY_CONNECTED_S8_SHIFT,       /* int32[1 or N] (> 0: left) */
    MICRO_FULLY_CONNECTED_S8_OUTPUT,      /* int8[B*N] */
    MICRO_FULLY_CONNECTED_S8_N_OPERANDS
} micro_fully_connected_s8_operand_t;

micro_status_t micro_fully_connected_s8(const micro_fully_connected_s8_params_t *p,
                                        const int8_t *input, const int8_t *filter,
                                        const int32_t *bias, const int32_t *multiplier,
                                        const int32_t *shift, int8_t *output);

#endif
