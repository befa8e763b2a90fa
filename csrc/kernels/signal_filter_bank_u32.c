#include "micro/kernels/signal_filter_bank_u32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"

/* 1 if every channel's bins lie in [0, n) and its weights in [0, K). */
static int bands_ok(const micro_signal_filter_bank_u32_params_t *p, const int16_t *freq_starts,
                    const int16_t *weight_starts, const int16_t *widths)
{
    for (int32_t c = 0; c <= p->num_channels; ++c) {
        const int32_t f = freq_starts[c], w = weight_starts[c], n = widths[c];
        if (f < 0 || w < 0 || n < 0 || f + n > p->input_size || w + n > p->num_weights) {
            return 0;
        }
    }
    return 1;
}

micro_status_t micro_signal_filter_bank_u32(const micro_signal_filter_bank_u32_params_t *p,
                                            const uint32_t *input, const int16_t *weights,
                                            const int16_t *unweights,
                                            const int16_t *freq_starts,
                                            const int16_t *weight_starts,
                                            const int16_t *widths, uint64_t *output)
{
    /* The band tables are constants checked at init; checked again here (41 compares) in
     * case a program maps them to the arena. */
    if (!bands_ok(p, freq_starts, weight_starts, widths)) {
        return MICRO_ERR_PARAMS;
    }
    uint64_t carry = 0;   /* unweighted part of the previous band, owed to this channel */
    for (int32_t c = 0; c <= p->num_channels; ++c) {
        const uint32_t *x = input + freq_starts[c];
        const int16_t *w = weights + weight_starts[c];
        const int16_t *u = unweights + weight_starts[c];
        uint64_t weighted = carry;
        uint64_t unweighted = 0;
        for (int32_t j = 0; j < widths[c]; ++j) {
            weighted += (uint64_t)(int64_t)w[j] * x[j];
            unweighted += (uint64_t)(int64_t)u[j] * x[j];
        }
        if (c > 0) {
            output[c - 1] = weighted;
        }
        carry = unweighted;
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_filter_bank_u32(
        params, op[MICRO_SIGNAL_FILTER_BANK_U32_INPUT], op[MICRO_SIGNAL_FILTER_BANK_U32_WEIGHTS],
        op[MICRO_SIGNAL_FILTER_BANK_U32_UNWEIGHTS], op[MICRO_SIGNAL_FILTER_BANK_U32_FREQ_STARTS],
        op[MICRO_SIGNAL_FILTER_BANK_U32_WEIGHT_STARTS], op[MICRO_SIGNAL_FILTER_BANK_U32_WIDTHS],
        op[MICRO_SIGNAL_FILTER_BANK_U32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_filter_bank_u32_params_t *p = params;
    if (p->num_channels < 1 || p->num_channels > 32767 || p->input_size < 1 ||
        p->num_weights < 1) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t bands = (int64_t)p->num_channels + 1;
    if (!micro_fits(size[MICRO_SIGNAL_FILTER_BANK_U32_INPUT], p->input_size, 4) ||
        !micro_fits(size[MICRO_SIGNAL_FILTER_BANK_U32_WEIGHTS], p->num_weights, 2) ||
        !micro_fits(size[MICRO_SIGNAL_FILTER_BANK_U32_UNWEIGHTS], p->num_weights, 2) ||
        !micro_fits(size[MICRO_SIGNAL_FILTER_BANK_U32_FREQ_STARTS], bands, 2) ||
        !micro_fits(size[MICRO_SIGNAL_FILTER_BANK_U32_WEIGHT_STARTS], bands, 2) ||
        !micro_fits(size[MICRO_SIGNAL_FILTER_BANK_U32_WIDTHS], bands, 2) ||
        !micro_fits(size[MICRO_SIGNAL_FILTER_BANK_U32_OUTPUT], p->num_channels, 8)) {
        return MICRO_ERR_OPERANDS;
    }
    if (!bands_ok(p, op[MICRO_SIGNAL_FILTER_BANK_U32_FREQ_STARTS],
                  op[MICRO_SIGNAL_FILTER_BANK_U32_WEIGHT_STARTS],
                  op[MICRO_SIGNAL_FILTER_BANK_U32_WIDTHS])) {
        return MICRO_ERR_PARAMS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (frames of a few hundred bytes, read in several passes; not derived).
 * */
const micro_kernel_t micro_kernel_signal_filter_bank_u32 = {
    step, check, sizeof(micro_signal_filter_bank_u32_params_t),
    MICRO_SIGNAL_FILTER_BANK_U32_N_OPERANDS, MICRO_OVERLAP_NONE};
