#include "micro/kernels/signal_fft_auto_scale_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "signal_bits.h"

/* TFLM's peak: a running int16 maximum where |x| > max replaces it, computed as -x in
 * int16, so -32768 stays -32768 (negative) and the next sample larger than it replaces it
 * whatever its sign. Only reached when the frame holds -32768. */
static int16_t peak_exact(const int16_t *x, int32_t n)
{
    int16_t peak = 0;
    for (int32_t i = 0; i < n; ++i) {
        if (x[i] > peak) {
            peak = x[i];
        } else if (-(int32_t)x[i] > peak) {
            peak = micro_signal_wrap16(-(int32_t)x[i]);
        }
    }
    return peak;
}

micro_status_t micro_signal_fft_auto_scale_s16(const micro_signal_fft_auto_scale_s16_params_t *p,
                                               const int16_t *input, int16_t *output,
                                               int32_t *scale)
{
    const int32_t n = p->size;
    /* Without -32768 the running maximum above is simply max |x| (it never goes negative):
     * compute that with a branch-free loop and take the exact path only when needed. */
    int32_t peak = 0;
    int32_t has_min = 0;
    for (int32_t i = 0; i < n; ++i) {
        const int32_t v = input[i];
        const int32_t a = v < 0 ? -v : v;
        peak = a > peak ? a : peak;
        has_min |= v == INT16_MIN;
    }
    if (has_min) {
        peak = peak_exact(input, n);
    }
    int32_t bits = 15 - micro_signal_msb32((uint32_t)peak);
    bits = bits > 0 ? bits : 0;
    for (int32_t i = 0; i < n; ++i) {
        output[i] = micro_signal_wrap16((int32_t)((uint32_t)(int32_t)input[i] << bits));
    }
    *scale = bits;
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_fft_auto_scale_s16(params, op[MICRO_SIGNAL_FFT_AUTO_SCALE_S16_INPUT],
                                           op[MICRO_SIGNAL_FFT_AUTO_SCALE_S16_OUTPUT],
                                           op[MICRO_SIGNAL_FFT_AUTO_SCALE_S16_SCALE]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_fft_auto_scale_s16_params_t *p = params;
    (void)op;
    if (p->size < 1) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_SIGNAL_FFT_AUTO_SCALE_S16_INPUT], p->size, 2) ||
        !micro_fits(size[MICRO_SIGNAL_FFT_AUTO_SCALE_S16_OUTPUT], p->size, 2) ||
        !micro_fits(size[MICRO_SIGNAL_FFT_AUTO_SCALE_S16_SCALE], 1, 4)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (two outputs, the input scanned for its maximum before any is
 * written). */
const micro_kernel_t micro_kernel_signal_fft_auto_scale_s16 = {
    step, check, sizeof(micro_signal_fft_auto_scale_s16_params_t),
    MICRO_SIGNAL_FFT_AUTO_SCALE_S16_N_OPERANDS, MICRO_OVERLAP_NONE};
