/*
 * SVDF, float32, as TFLM's float reference, in its order:
 *   1. shift the whole state left by one element (state[i] = state[i + 1]);
 *   2. state[b][f][memory - 1] = sum_k weights_feature[f][k] * input[b][k]   (k ascending,
 *      from 0.0f);
 *   3. s[b][f] = sum_m weights_time[f][m] * state[b][f][m]                   (from 0.0f);
 *   4. output[b][u] = bias[u] (or 0.0f) + s[b][u * rank] + ... + s[b][u * rank + rank - 1]
 *      added one at a time, then the fused activation (TfLiteMax / TfLiteMin: a NaN gives
 *      the bound for RELU_N1_TO_1 and RELU6; SIGN_BIT gives 1.0f or 0.0f).
 */
#ifndef MICRO_KERNELS_SVDF_F32_H
#define MICRO_KERNELS_SVDF_F32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_SVDF_F32_ACT_NONE 0
#define MICRO_SVDF_F32_ACT_RELU 1
#define MICRO_SVDF_F32_ACT_RELU_N1_TO_1 2
#define MICRO_SVDF_F32_ACT_RELU6 3
#define MICRO_SVDF_F32_ACT_SIGN_BIT 5

typedef struct {
    int32_t batches;      /* >= 1 */
    int32_t input_size;   /* >= 1 */
    int32_t filters;      /* >= 1: units * rank */
    int32_t rank;         /* >= 1, divides filters */
    int32_t memory;       /* >= 1 */
    int32_t activation;   /* one of MICRO_SVDF_F32_ACT_* (the schema's values) */
} micro_svdf_f32_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_SVDF_F32_INPUT,
    MICRO_SVDF_F32_WEIGHTS_FEATURE,
    MICRO_SVDF_F32_WEIGHTS_TIME,
    MICRO_SVDF_F32_BIAS,
    MICRO_SVDF_F32_STATE,
    MICRO_SVDF_F32_OUTPUT,
    MICRO_SVDF_F32_SCRATCH,
    MICRO_SVDF_F32_N_OPERANDS
} micro_svdf_f32_operand_t;

/* Bytes of scratch: the filters' time sums, f32[batches][filters]. */
int64_t micro_svdf_f32_scratch_size(const micro_svdf_f32_params_t *p);

/* Operands: input f32[batches][input_size], weights_feature f32[filters][input_size],
 * weights_time f32[filters][memory], bias f32[filters / rank] or absent, state
 * f32[batches][filters][memory] (kept between invokes), output f32[batches][filters / rank],
 * scratch (micro_svdf_f32_scratch_size bytes). */
micro_status_t micro_svdf_f32(const micro_svdf_f32_params_t *p, const float *input,
                              const float *weights_feature, const float *weights_time,
                              const float *bias, float *state, float *output, float *scratch);

#endif
