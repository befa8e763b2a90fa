#include "micro/kernels/signal_delay_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"

micro_status_t micro_signal_delay_s16(const micro_signal_delay_s16_params_t *p,
                                      const int16_t *input, int16_t *state, int16_t *output)
{
    const int64_t frame = p->frame, delay = p->delay;
    for (int64_t r = 0; r < p->rows; ++r) {
        const int16_t *x = input + r * frame;
        int16_t *s = state + r * delay;
        int16_t *y = output + r * frame;
        for (int64_t k = 0; k < frame; ++k) {
            y[k] = k < delay ? s[k] : x[k - delay];
        }
        /* Ascending: state element j + frame is read before it can be overwritten. */
        for (int64_t j = 0; j < delay; ++j) {
            s[j] = j + frame < delay ? s[j + frame] : x[j + frame - delay];
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_delay_s16(params, op[MICRO_SIGNAL_DELAY_S16_INPUT],
                                  op[MICRO_SIGNAL_DELAY_S16_STATE], op[MICRO_SIGNAL_DELAY_S16_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_signal_delay_s16_params_t *p = params;
    if (p->rows < 1 || p->frame < 1 || p->delay < 0) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t samples = (int64_t)p->rows * p->frame;
    if (!micro_fits(size[MICRO_SIGNAL_DELAY_S16_INPUT], samples, 2) ||
        !micro_fits(size[MICRO_SIGNAL_DELAY_S16_STATE], (int64_t)p->rows * p->delay, 2) ||
        !micro_fits(size[MICRO_SIGNAL_DELAY_S16_OUTPUT], samples, 2)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (an output row is written from the delay line before the row's input is read). */
const micro_kernel_t micro_kernel_signal_delay_s16 = {
    step, check, sizeof(micro_signal_delay_s16_params_t), MICRO_SIGNAL_DELAY_S16_N_OPERANDS, MICRO_OVERLAP_NONE};
