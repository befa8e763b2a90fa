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

/* Operands: input int8[B*K], filter int8[N*K], bias int32[N] (folded, see above),
 * multiplier int32[1 or N], shift int32[1 or N] (> 0: left), output int8[B*N]. */
micro_status_t micro_fully_connected_s8(const micro_fully_connected_s8_params_t *p,
                                        const int8_t *input, const int8_t *filter,
                                        const int32_t *bias, const int32_t *multiplier,
                                        const int32_t *shift, int8_t *output);

#endif
