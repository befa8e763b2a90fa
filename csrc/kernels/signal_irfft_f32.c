#include "micro/kernels/signal_irfft_f32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "kiss_fft_f32.h"

/* Complex value j of the folded frame (the inverse FFT's input). */
static cpx_f32 folded(const void *src, int32_t length, int32_t j)
{
    (void)length;
    return ((const cpx_f32 *)src)[j];
}

micro_status_t micro_signal_irfft_f32(const micro_signal_irfft_f32_params_t *p,
                                      const float *input, const float *twiddles,
                                      const float *super_twiddles, float *scratch,
                                      float *output)
{
    const int32_t h = p->half_length;
    const cpx_f32 *tw = (const cpx_f32 *)(const void *)twiddles;
    const cpx_f32 *super = (const cpx_f32 *)(const void *)super_twiddles;
    cpx_f32 *t = (cpx_f32 *)(void *)scratch;
    for (int32_t frame = 0; frame < p->frames; ++frame) {
        const float *x = input + (int64_t)frame * 2 * (h + 1);
        micro_kiss_fold_f32((const cpx_f32 *)(const void *)x, h, super, t);
        micro_kiss_fft_f32(h, p->n_stages, p->radix, 1, folded, t, h, tw,
                           (cpx_f32 *)(void *)(output + (int64_t)frame * 2 * h));
        /* KISS FFT's inverse is unscaled; TFLM divides by the FFT length. */
        float *y = output + (int64_t)frame * 2 * h;
        for (int32_t i = 0; i < 2 * h; ++i) {
            y[i] /= (float)(2 * h);
        }
    }
    return MICRO_OK;
}

int64_t micro_signal_irfft_f32_scratch_size(const micro_signal_irfft_f32_params_t *p)
{
    return 2 * (int64_t)p->half_length * (int64_t)sizeof(float);
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_irfft_f32(
        params, op[MICRO_SIGNAL_IRFFT_F32_INPUT], op[MICRO_SIGNAL_IRFFT_F32_TWIDDLES],
        op[MICRO_SIGNAL_IRFFT_F32_SUPER_TWIDDLES], op[MICRO_SIGNAL_IRFFT_F32_SCRATCH],
        op[MICRO_SIGNAL_IRFFT_F32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    return micro_kiss_irfft_check(params, size, (int64_t)sizeof(float));
}

/* Overlap rule: none (the inverse FFT writes a frame's output while later frames' input is
 * still to be read). */
const micro_kernel_t micro_kernel_signal_irfft_f32 = {
    step, check, sizeof(micro_signal_irfft_f32_params_t), MICRO_SIGNAL_IRFFT_F32_N_OPERANDS,
    MICRO_OVERLAP_NONE};
