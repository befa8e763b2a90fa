#include "micro/kernels/svdf_s8.h"

#include <stddef.h>

#include <string.h>

#include "micro/kernel.h"
#include "check.h"
#include "dot_s8.h"
#include "fixedpoint.h"
#include "requant.h"

/* state_zp + clamp(v, lo, hi), wrapped into [lo, hi] as a store into the narrow type. */
static int32_t store_value(int32_t v, int32_t lo, int32_t hi, int32_t zp)
{
    const int32_t sum = micro_clamp(v, lo, hi) + zp;
    return (int32_t)((uint32_t)(sum - lo) & (uint32_t)(hi - lo)) + lo; /* hi - lo = 2^k - 1 */
}

/* The newest state slot of one filter (see the header, step 2). */
static void store_feature(const micro_svdf_s8_params_t *p, int32_t acc, int32_t lo, int32_t hi,
                          void *state, int64_t at)
{
    const int32_t v = store_value(micro_requantize(acc, p->feature_multiplier, p->feature_shift),
                                  lo, hi, p->state_zp);
    if (p->state_bytes == 2) {
        ((int16_t *)state)[at] = (int16_t)v;
    } else {
        ((int8_t *)state)[at] = (int8_t)v;
    }
}

micro_status_t micro_svdf_s8(const micro_svdf_s8_params_t *p, const int8_t *input,
                             const int8_t *weights_feature, const int32_t *feature_bias,
                             const void *weights_time, const int32_t *bias, void *state,
                             int8_t *output, int16_t *scratch)
{
    const int32_t filters = p->units * p->rank;
    const int32_t mem = p->memory;
    const int64_t total = (int64_t)p->batches * filters * mem;
    const int wide = p->state_bytes == 2;
    const int32_t lo = wide ? INT16_MIN : INT8_MIN;
    const int32_t hi = wide ? INT16_MAX : INT8_MAX;
    int8_t *s8 = state;
    int16_t *s16 = state;

    /* 1. One step into the past: the whole buffer moves one element to the left (the
     * element that crosses into the previous filter's newest slot is overwritten below). */
    memmove(state, (uint8_t *)state + p->state_bytes, (size_t)(total - 1) * (size_t)p->state_bytes);

    /* 2. The newest slot of every filter: the feature projection of this input, four
     * (padded) filters per pass over the widened input. */
    const int32_t ip = p->input_padded;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int64_t row = (int64_t)b * filters * mem + mem - 1;
        micro_widen_s8(scratch, input + (int64_t)b * p->input_size, p->input_size, ip);
        for (int32_t f = 0; f < filters; f += 4) {
            int32_t dot[4];
            micro_dot4_s8_s16(weights_feature + (int64_t)f * ip, ip, scratch, ip, dot);
            for (int32_t r = 0; r < 4 && f + r < filters; ++r) {
                store_feature(p, micro_fx_add(dot[r], feature_bias[f + r]), lo, hi, state,
                              row + (int64_t)(f + r) * mem);
            }
        }
    }

    /* 3. Each unit: its rank filters' M steps, contiguous in both the time weights and
     * the state, are one dot product. */
    const int32_t run = p->rank * mem;
    for (int32_t b = 0; b < p->batches; ++b) {
        for (int32_t u = 0; u < p->units; ++u) {
            const int64_t w_at = (int64_t)u * run;
            const int64_t s_at = (int64_t)b * filters * mem + w_at;
            const int32_t dot =
                wide ? micro_dot_s16((const int16_t *)weights_time + w_at, s16 + s_at, run)
                     : micro_dot_s8((const int8_t *)weights_time + w_at, s8 + s_at, run);
            const int32_t acc = micro_fx_add(dot, bias[u]);
            const int32_t v =
                micro_requantize_zp(acc, p->output_multiplier, p->output_shift, p->output_zp);
            output[(int64_t)b * p->units + u] = (int8_t)micro_clamp(v, INT8_MIN, INT8_MAX);
        }
    }
    return MICRO_OK;
}

int64_t micro_svdf_s8_scratch_size(const micro_svdf_s8_params_t *p)
{
    return (int64_t)p->input_padded * (int64_t)sizeof(int16_t);
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_svdf_s8(params, op[MICRO_SVDF_S8_INPUT], op[MICRO_SVDF_S8_WEIGHTS_FEATURE],
                         op[MICRO_SVDF_S8_FEATURE_BIAS], op[MICRO_SVDF_S8_WEIGHTS_TIME],
                         op[MICRO_SVDF_S8_BIAS], op[MICRO_SVDF_S8_STATE], op[MICRO_SVDF_S8_OUTPUT],
                         op[MICRO_SVDF_S8_SCRATCH]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_svdf_s8_params_t *p = params;
    (void)op;
    const int32_t dims[5] = {p->batches, p->input_padded, p->units, p->rank, p->memory};
    if (micro_count(dims, 5) < 0 || !micro_in_range(p->input_size, 1, p->input_padded) ||
        p->input_padded % 16 != 0 || p->input_padded > MICRO_DOT_S8_MAX_N ||
        (int64_t)p->rank * p->memory > MICRO_DOT_S8_MAX_N || !micro_in_range(p->state_bytes, 1, 2) ||
        !micro_in_range(p->output_zp, -128, 127)) {
        return MICRO_ERR_PARAMS;
    }
    const int wide = p->state_bytes == 2;
    if (!micro_in_range(p->state_zp, wide ? INT16_MIN : INT8_MIN, wide ? INT16_MAX : INT8_MAX) ||
        !micro_requant_ok(&p->feature_multiplier, &p->feature_shift, 1) ||
        !micro_requant_ok(&p->output_multiplier, &p->output_shift, 1)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t filters = (int64_t)p->units * p->rank;
    const int64_t es = p->state_bytes;
    if (!micro_fits(size[MICRO_SVDF_S8_INPUT], (int64_t)p->batches * p->input_size, 1) ||
        !micro_fits(size[MICRO_SVDF_S8_WEIGHTS_FEATURE], (filters + 3) / 4 * 4 * p->input_padded,
                    1) ||
        !micro_fits(size[MICRO_SVDF_S8_FEATURE_BIAS], filters, 4) ||
        !micro_fits(size[MICRO_SVDF_S8_WEIGHTS_TIME], filters * p->memory, es) ||
        !micro_fits(size[MICRO_SVDF_S8_BIAS], p->units, 4) ||
        !micro_fits(size[MICRO_SVDF_S8_STATE], (int64_t)p->batches * filters * p->memory, es) ||
        !micro_fits(size[MICRO_SVDF_S8_OUTPUT], (int64_t)p->batches * p->units, 1) ||
        !micro_fits(size[MICRO_SVDF_S8_SCRATCH], micro_svdf_s8_scratch_size(p), 1)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (state and scratch passes: the input is read for every filter before
 * any output). */
const micro_kernel_t micro_kernel_svdf_s8 = {step, check, sizeof(micro_svdf_s8_params_t),
                                             MICRO_SVDF_S8_N_OPERANDS, MICRO_OVERLAP_NONE};
