#include "micro/kernels/svdf_s8.h"

#include <string.h>

#include "micro/kernel.h"
#include "check.h"
#include "requant.h"

/* Dot products accumulate in uint32: the wrap-around of TFLM's int32 sums, without C's
 * undefined signed overflow. */
static int32_t dot_s8(const int8_t *a, const int8_t *b, int32_t n)
{
    uint32_t acc = 0;
    for (int32_t i = 0; i < n; ++i) {
        acc += (uint32_t)((int32_t)a[i] * (int32_t)b[i]);
    }
    return (int32_t)acc;
}

static int32_t dot_s16(const int16_t *a, const int16_t *b, int32_t n)
{
    uint32_t acc = 0;
    for (int32_t i = 0; i < n; ++i) {
        acc += (uint32_t)((int32_t)a[i] * (int32_t)b[i]);
    }
    return (int32_t)acc;
}

/* state_zp + clamp(v, lo, hi), wrapped into [lo, hi] as a store into the narrow type. */
static int32_t store_value(int32_t v, int32_t lo, int32_t hi, int32_t zp)
{
    const uint32_t span = (uint32_t)(hi - lo) + 1u;
    const int32_t sum = micro_clamp(v, lo, hi) + zp;
    return (int32_t)((uint32_t)(sum - lo) % span) + lo;
}

micro_status_t micro_svdf_s8(const micro_svdf_s8_params_t *p, const int8_t *input,
                             const int8_t *weights_feature, const int32_t *feature_bias,
                             const void *weights_time, const int32_t *bias, void *state,
                             int8_t *output)
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

    /* 2. The newest slot of every filter: the feature projection of this input. */
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *x = input + (int64_t)b * p->input_size;
        for (int32_t f = 0; f < filters; ++f) {
            const int32_t acc =
                dot_s8(weights_feature + (int64_t)f * p->input_size, x, p->input_size) +
                feature_bias[f];
            const int32_t v = store_value(
                micro_requantize(acc, p->feature_multiplier, p->feature_shift), lo, hi,
                p->state_zp);
            const int64_t at = ((int64_t)b * filters + f) * mem + mem - 1;
            if (wide) {
                s16[at] = (int16_t)v;
            } else {
                s8[at] = (int8_t)v;
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
                wide ? dot_s16((const int16_t *)weights_time + w_at, s16 + s_at, run)
                     : dot_s8((const int8_t *)weights_time + w_at, s8 + s_at, run);
            const int32_t acc = (int32_t)((uint32_t)dot + (uint32_t)bias[u]);
            const int32_t v =
                micro_requantize(acc, p->output_multiplier, p->output_shift) + p->output_zp;
            output[(int64_t)b * p->units + u] = (int8_t)micro_clamp(v, INT8_MIN, INT8_MAX);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_svdf_s8(params, op[0], op[1], op[2], op[3], op[4], op[5], op[6]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_svdf_s8_params_t *p = params;
    (void)op;
    const int32_t dims[5] = {p->batches, p->input_size, p->units, p->rank, p->memory};
    if (micro_count(dims, 5) < 0 || !micro_in_range(p->state_bytes, 1, 2) ||
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
    if (!micro_fits(size[0], (int64_t)p->batches * p->input_size, 1) ||
        !micro_fits(size[1], filters * p->input_size, 1) || !micro_fits(size[2], filters, 4) ||
        !micro_fits(size[3], filters * p->memory, es) || !micro_fits(size[4], p->units, 4) ||
        !micro_fits(size[5], (int64_t)p->batches * filters * p->memory, es) ||
        !micro_fits(size[6], (int64_t)p->batches * p->units, 1)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

const micro_kernel_t micro_kernel_svdf_s8 = {step, check, sizeof(micro_svdf_s8_params_t), 7};
