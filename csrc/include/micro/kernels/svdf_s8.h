/*
 * SVDF, full integer (TFLM's integer reference): int8 input and output, int8 feature
 * weights, time weights and activation state both int8 or both int16, int32 bias.
 * For each invoke, with F = units * rank filters and a memory of M steps per filter:
 *
 *   1. the state [B][F][M] moves one step into the past (every element one to the left);
 *   2. state[b][f][M-1] = wrap(state_zp + clamp_T(requant1(sum_k wf[f][k] * x[b][k]
 *                                                          + feature_bias[f])))
 *      clamp_T to the state type's range, then a wrapping store (TFLM adds the zero point
 *      after the clamp);
 *   3. out[b][u] = clamp8(output_zp + requant2(bias[u] + sum over the unit's rank filters
 *                                              and M steps of wt * state)).
 *
 * The zero points are folded on the host: feature_bias[f] = -input_zp * sum_k wf[f][k],
 * bias[u] = model_bias[u] - state_zp * (sum of the unit's rank * M time weights). Sums wrap
 * modulo 2^32 as TFLM's int32 accumulators do. TFLM's integer SVDF ignores the fused
 * activation.
 *
 * The feature weights are zero-padded on the host to [F rounded up to 4][input_padded], and
 * each input row is widened to int16 into scratch, so step 2 runs four filters per pass of
 * whole-vector int16 multiply-adds.
 */
#ifndef MICRO_KERNELS_SVDF_S8_H
#define MICRO_KERNELS_SVDF_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t batches;            /* B >= 1 */
    int32_t input_size;         /* I >= 1 */
    int32_t input_padded;       /* I rounded up to a multiple of 16 */
    int32_t units;              /* U >= 1 */
    int32_t rank;               /* R >= 1; filters F = U * R */
    int32_t memory;             /* M >= 1 */
    int32_t state_bytes;        /* 1: int8 time weights and state, 2: int16 */
    int32_t state_zp;           /* within the state type's range */
    int32_t feature_multiplier; /* requant1: input * feature weights -> state */
    int32_t feature_shift;      /* [-31, 30], > 0: left */
    int32_t output_multiplier;  /* requant2: state * time weights -> output */
    int32_t output_shift;       /* [-31, 30], > 0: left */
    int32_t output_zp;          /* [-128, 127] */
} micro_svdf_s8_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_SVDF_S8_INPUT,            /* int8[B*I] */
    /* int8[F4][input_padded] (F4 = F rounded up to 4, zero padded) */
    MICRO_SVDF_S8_WEIGHTS_FEATURE,
    MICRO_SVDF_S8_FEATURE_BIAS,     /* int32[F] (folded) */
    MICRO_SVDF_S8_WEIGHTS_TIME,     /* int8/int16[F*M] */
    MICRO_SVDF_S8_BIAS,             /* int32[U] (folded) */
    MICRO_SVDF_S8_STATE,            /* int8/int16[B*F*M] (a variable: read and written) */
    MICRO_SVDF_S8_OUTPUT,           /* int8[B*U] */
    MICRO_SVDF_S8_SCRATCH,          /* micro_svdf_s8_scratch_size(p) bytes: an input row, int16 */
    MICRO_SVDF_S8_N_OPERANDS
} micro_svdf_s8_operand_t;

/* Bytes of the scratch operand, for params the kernel's check accepts. */
int64_t micro_svdf_s8_scratch_size(const micro_svdf_s8_params_t *p);

micro_status_t micro_svdf_s8(const micro_svdf_s8_params_t *p, const int8_t *input,
                             const int8_t *weights_feature, const int32_t *feature_bias,
                             const void *weights_time, const int32_t *bias, void *state,
                             int8_t *output, int16_t *scratch);

#endif
