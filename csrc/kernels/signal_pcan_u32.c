#include "micro/kernels/signal_pcan_u32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "signal_bits.h"

#define SNR_BITS 12
#define OUTPUT_BITS 6

/* The gain for noise level x: lut[x] for x <= 2, otherwise a quadratic in the 10 bits
 * below x's highest set bit, with coefficients lut[4i-6 .. 4i-4] for interval i = msb(x)
 * (so the largest index used is 4*32 - 4 = 124). */
static int16_t wide_dynamic_gain(uint32_t x, const int16_t *lut)
{
    if (x <= 2) {
        return lut[x];
    }
    const int32_t interval = micro_signal_msb32(x);
    const int16_t *c = lut + 4 * interval - 6;
    const uint32_t bits = interval < 11 ? x << (11 - interval) : x >> (interval - 11);
    const int32_t frac = (int32_t)(bits & 0x3FF);
    int32_t result = ((int32_t)c[2] * frac) >> 5;
    result += (int32_t)c[1] * 32;
    result *= frac;
    result = (result + (1 << 14)) >> 15;
    return micro_signal_wrap16(result + c[0]);
}

/* snr (12 fractional bits) -> 6 fractional bits: snr^2 / 4 below 2, snr - 1 above. */
static uint32_t shrink(uint32_t snr)
{
    if (snr < (UINT32_C(2) << SNR_BITS)) {
        return (snr * snr) >> (2 + 2 * SNR_BITS - OUTPUT_BITS);
    }
    return (snr >> (SNR_BITS - OUTPUT_BITS)) - (UINT32_C(1) << OUTPUT_BITS);
}

micro_status_t micro_signal_pcan_u32(const micro_signal_pcan_u32_params_t *p,
                                     const uint32_t *input, const uint32_t *noise,
                                     const int16_t *lut, uint32_t *output)
{
    for (int32_t c = 0; c < p->num_channels; ++c) {
        /* A negative int16 gain is taken modulo 2^32, as TFLM's conversion does. */
        const uint32_t gain = (uint32_t)(int32_t)wide_dynamic_gain(noise[c], lut);
        const uint32_t snr = (uint32_t)(((uint64_t)input[c] * gain) >> p->snr_shift);
        output[c] = shrink(snr);
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_pcan_u32(params, op[MICRO_SIGNAL_PCAN_U32_INPUT],
                                 op[MICRO_SIGNAL_PCAN_U32_NOISE], op[MICRO_SIGNAL_PCAN_U32_LUT],
                                 op[MICRO_SIGNAL_PCAN_U32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_pcan_u32_params_t *p = params;
    (void)op;
    if (p->num_channels < 1 || !micro_in_range(p->snr_shift, 0, 63)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_SIGNAL_PCAN_U32_INPUT], p->num_channels, 4) ||
        !micro_fits(size[MICRO_SIGNAL_PCAN_U32_NOISE], p->num_channels, 4) ||
        !micro_fits(size[MICRO_SIGNAL_PCAN_U32_LUT], MICRO_SIGNAL_PCAN_LUT_SIZE, 2) ||
        !micro_fits(size[MICRO_SIGNAL_PCAN_U32_OUTPUT], p->num_channels, 4)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (frames of a few hundred bytes, read in several passes; not derived).
 * */
const micro_kernel_t micro_kernel_signal_pcan_u32 = {
    step, check, sizeof(micro_signal_pcan_u32_params_t), MICRO_SIGNAL_PCAN_U32_N_OPERANDS, MICRO_OVERLAP_NONE};
