#include "micro/kernels/signal_spectral_subtraction_u32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"

micro_status_t micro_signal_spectral_subtraction_u32(
    const micro_signal_spectral_subtraction_u32_params_t *p, const uint32_t *input,
    uint32_t *output, uint32_t *noise_out, uint32_t *state)
{
    const uint32_t up = p->smoothing_bits;
    const uint32_t bits = p->spectral_subtraction_bits;
    for (int32_t c = 0; c < p->num_channels; ++c) {
        const int odd = c & 1;
        const uint32_t s = odd ? p->alternate_smoothing : p->smoothing;
        const uint32_t one_minus_s =
            odd ? p->alternate_one_minus_smoothing : p->one_minus_smoothing;
        const uint32_t x = input[c];
        const uint32_t x_up = x << up;
        uint32_t noise =
            (uint32_t)(((uint64_t)x_up * s + (uint64_t)state[c] * one_minus_s) >> bits);
        uint32_t estimate = noise;
        if (estimate > x_up) {
            estimate = x_up;
            if (p->clamping) {
                noise = x_up;
            }
        }
        state[c] = noise;
        noise_out[c] = noise;
        const uint32_t floor = (uint32_t)(((uint64_t)x * p->min_signal_remaining) >> bits);
        const uint32_t subtracted = (x_up - estimate) >> up;
        output[c] = subtracted > floor ? subtracted : floor;
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_spectral_subtraction_u32(
        params, op[MICRO_SIGNAL_SPECTRAL_SUBTRACTION_U32_INPUT],
        op[MICRO_SIGNAL_SPECTRAL_SUBTRACTION_U32_OUTPUT],
        op[MICRO_SIGNAL_SPECTRAL_SUBTRACTION_U32_NOISE_OUT],
        op[MICRO_SIGNAL_SPECTRAL_SUBTRACTION_U32_STATE]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_spectral_subtraction_u32_params_t *p = params;
    (void)op;
    if (p->num_channels < 1 || p->smoothing_bits > 31 || p->spectral_subtraction_bits > 63 ||
        p->clamping > 1) {
        return MICRO_ERR_PARAMS;
    }
    for (int i = 0; i < 4; ++i) {
        if (!micro_fits(size[i], p->num_channels, 4)) {
            return MICRO_ERR_OPERANDS;
        }
    }
    return MICRO_OK;
}

/* Overlap rule: none (frames of a few hundred bytes, read in several passes; not derived).
 * */
const micro_kernel_t micro_kernel_signal_spectral_subtraction_u32 = {
    step, check, sizeof(micro_signal_spectral_subtraction_u32_params_t),
    MICRO_SIGNAL_SPECTRAL_SUBTRACTION_U32_N_OPERANDS, MICRO_OVERLAP_NONE};
