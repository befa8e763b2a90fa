#include "micro/kernels/signal_filter_bank_log_u32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "signal_bits.h"

/* log2(x) in Q16 for x >= 2: the integer part from the highest set bit, the fraction
 * from the mantissa's top 16 bits plus the interpolated correction table. */
static uint32_t log2_q16(uint32_t x, const uint16_t *lut)
{
    const uint32_t integer = (uint32_t)micro_signal_msb32(x) - 1;
    int32_t frac = (int32_t)(x - (UINT32_C(1) << integer));
    if (integer < 16) {
        frac = (int32_t)((uint32_t)frac << (16 - integer));
    } else {
        frac >>= integer - 16;
    }
    const int32_t segment = frac >> 9;   /* 128 segments of 512 */
    const int32_t c0 = lut[segment];
    const int32_t c1 = lut[segment + 1];
    const int32_t rel = ((c1 - c0) * (frac - segment * 512)) >> 16;
    return (integer << 16) + (uint32_t)(frac + c0 + rel);
}

micro_status_t micro_signal_filter_bank_log_u32(
    const micro_signal_filter_bank_log_u32_params_t *p, const uint32_t *input,
    const uint16_t *lut, int16_t *output)
{
    const uint32_t half = UINT32_C(1) << 15;
    for (int32_t c = 0; c < p->num_channels; ++c) {
        const uint32_t x = input[c] << p->correction_bits;
        if (x > 1) {
            const uint32_t ln = (uint32_t)(((uint64_t)p->ln2_q16 * log2_q16(x, lut) + half) >> 16);
            const uint32_t scaled = (p->output_scale * ln + half) >> 16;   /* uint32 wrap */
            output[c] = (int16_t)(scaled < INT16_MAX ? scaled : INT16_MAX);
        } else {
            output[c] = 0;
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_filter_bank_log_u32(params, op[MICRO_SIGNAL_FILTER_BANK_LOG_U32_INPUT],
                                            op[MICRO_SIGNAL_FILTER_BANK_LOG_U32_LUT],
                                            op[MICRO_SIGNAL_FILTER_BANK_LOG_U32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_filter_bank_log_u32_params_t *p = params;
    (void)op;
    if (p->num_channels < 1 || p->correction_bits > 31) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_SIGNAL_FILTER_BANK_LOG_U32_INPUT], p->num_channels, 4) ||
        !micro_fits(size[MICRO_SIGNAL_FILTER_BANK_LOG_U32_LUT], MICRO_SIGNAL_LOG_LUT_SIZE, 2) ||
        !micro_fits(size[MICRO_SIGNAL_FILTER_BANK_LOG_U32_OUTPUT], p->num_channels, 2)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (frames of a few hundred bytes, read in several passes; not derived).
 * */
const micro_kernel_t micro_kernel_signal_filter_bank_log_u32 = {
    step, check, sizeof(micro_signal_filter_bank_log_u32_params_t),
    MICRO_SIGNAL_FILTER_BANK_LOG_U32_N_OPERANDS, MICRO_OVERLAP_NONE};
