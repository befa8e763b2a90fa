#include "micro/kernels/softmax_s8.h"

#include "micro/kernel.h"
#include "check.h"
#include "overlap.h"
#include "fixedpoint.h"
#include "requant.h"

/*
 * The reference's SaturatingRoundingDoublingHighMul then RoundingDivideByPOT, for the
 * operands softmax has: both non-negative (the table is checked, the reciprocal is in
 * [2^30, 2^31)), so no sign cases: round(a * b / 2^31), then round(. / 2^exponent) with
 * halves rounded up, `round_bit` being 2^(exponent - 1) (0 for exponent 0).
 */
static inline int32_t scale_down(int32_t a, int32_t b, uint32_t round_bit, int32_t exponent)
{
    const uint32_t product = (uint32_t)(((uint64_t)a * (uint64_t)b + (UINT64_C(1) << 30)) >> 31);
    return (int32_t)((product + round_bit) >> exponent);
}

/* The row's maximum, then the reciprocal of its sum of exponentials as (scale, exponent);
 * 0 if the exponent falls outside [0, 31] (see the header). */
static int row_scale(const int8_t *x, int32_t depth, const int32_t *exp_table, int32_t bits,
                     int8_t *max_out, int32_t *scale, int32_t *exponent)
{
    int8_t max = x[0];
    for (int32_t c = 1; c < depth; ++c) {
        max = x[c] > max ? x[c] : max;
    }
    uint32_t sum = 0;
    for (int32_t c = 0; c < depth; ++c) {
        /* Rescale Q0.31 -> Q12.19: a rounding shift by 12 (non-negative values). */
        sum += ((uint32_t)exp_table[max - x[c]] + (UINT32_C(1) << 11)) >> 12;
    }
    *max_out = max;
    if (sum == 0) {
        return 0;
    }
    const int32_t headroom = micro_clz32(sum);
    *exponent = (12 - headroom) + 31 - bits;
    if (*exponent < 0 || *exponent > 31) {
        return 0;
    }
    *scale = micro_fx_one_over_one_plus_x((int32_t)((sum << headroom) - UINT32_C(0x80000000)));
    return 1;
}

static void softmax_to_s8(const micro_softmax_s8_params_t *p, const int8_t *input,
                          const int32_t *exp_table, int8_t *output)
{
    for (int32_t r = 0; r < p->rows; ++r) {
        const int8_t *x = input + (int64_t)r * p->depth;
        int8_t *y = output + (int64_t)r * p->depth;
        int8_t max;
        int32_t scale = 0, exponent = 0;
        if (!row_scale(x, p->depth, exp_table, 8, &max, &scale, &exponent)) {
            for (int32_t c = 0; c < p->depth; ++c) {
                y[c] = -128;
            }
            continue;
        }
        const uint32_t round_bit = exponent > 0 ? UINT32_C(1) << (exponent - 1) : 0u;
        for (int32_t c = 0; c < p->depth; ++c) {
            const int32_t v = scale_down(scale, exp_table[max - x[c]], round_bit, exponent);
            y[c] = (int8_t)((v < 127 - (-128) ? v : 127 - (-128)) + (-128));
        }
    }
}

static void softmax_to_s16(const micro_softmax_s8_params_t *p, const int8_t *input,
                           const int32_t *exp_table, int16_t *output)
{
    for (int32_t r = 0; r < p->rows; ++r) {
        const int8_t *x = input + (int64_t)r * p->depth;
        int16_t *y = output + (int64_t)r * p->depth;
        int8_t max;
        int32_t scale = 0, exponent = 0;
        if (!row_scale(x, p->depth, exp_table, 16, &max, &scale, &exponent)) {
            for (int32_t c = 0; c < p->depth; ++c) {
                y[c] = -32768;
            }
            continue;
        }
        const uint32_t round_bit = exponent > 0 ? UINT32_C(1) << (exponent - 1) : 0u;
        for (int32_t c = 0; c < p->depth; ++c) {
            const int32_t v = scale_down(scale, exp_table[max - x[c]], round_bit, exponent);
            y[c] = (int16_t)((v < 32767 - (-32768) ? v : 32767 - (-32768)) + (-32768));
        }
    }
}

micro_status_t micro_softmax_s8(const micro_softmax_s8_params_t *p, const int8_t *input,
                                const int32_t *exp_table, void *output)
{
    if (p->output_bits == 16) {
        softmax_to_s16(p, input, exp_table, output);
    } else {
        softmax_to_s8(p, input, exp_table, output);
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_softmax_s8(params, op[MICRO_SOFTMAX_S8_INPUT], op[MICRO_SOFTMAX_S8_EXP_TABLE],
                            op[MICRO_SOFTMAX_S8_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_softmax_s8_params_t *p = params;
    const int32_t dims[2] = {p->rows, p->depth};
    const int64_t n = micro_count(dims, 2);
    if (n < 0 || (p->output_bits != 8 && p->output_bits != 16)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_SOFTMAX_S8_INPUT], n, 1) ||
        !micro_fits(size[MICRO_SOFTMAX_S8_EXP_TABLE], 256, 4) ||
        !micro_fits(size[MICRO_SOFTMAX_S8_OUTPUT], n, p->output_bits / 8)) {
        return MICRO_ERR_OPERANDS;
    }
    const int32_t *exp_table = op[MICRO_SOFTMAX_S8_EXP_TABLE];
    for (int i = 0; i < 256; ++i) {
        if (exp_table[i] < 0) {
            return MICRO_ERR_PARAMS;
        }
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: rows in order, each input row read whole (its maximum,
 * then its sum, then each output) while its output row is written. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_softmax_s8_params_t *p = params;
    (void)size;
    const micro_rows_t g = {1, p->rows, (int64_t)p->depth * (p->output_bits / 8), p->rows,
                            p->depth, 1, 0, 0};
    return in == MICRO_SOFTMAX_S8_INPUT && out == MICRO_SOFTMAX_S8_OUTPUT ? micro_rows_gap(&g)
                                                                          : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_softmax_s8 = {step, check, sizeof(micro_softmax_s8_params_t),
                                                MICRO_SOFTMAX_S8_N_OPERANDS, gap};
