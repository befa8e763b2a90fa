#include "micro/kernels/signal_window_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "requant.h"

micro_status_t micro_signal_window_s16(const micro_signal_window_s16_params_t *p,
                                       const int16_t *input, const int16_t *window,
                                       int16_t *output)
{
    const int32_t w = p->window_size;
    const int32_t shift = p->shift;
    for (int32_t f = 0; f < p->size; f += w) {
        const int16_t *in = input + f;
        int16_t *out = output + f;
        for (int32_t i = 0; i < w; ++i) {
            /* |product| <= 2^30: no overflow; >> of a negative value is arithmetic. */
            const int32_t raw = ((int32_t)in[i] * (int32_t)window[i]) >> shift;
            out[i] = (int16_t)micro_clamp(raw, INT16_MIN, INT16_MAX);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_window_s16(params, op[MICRO_SIGNAL_WINDOW_S16_INPUT],
                                   op[MICRO_SIGNAL_WINDOW_S16_WINDOW],
                                   op[MICRO_SIGNAL_WINDOW_S16_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_window_s16_params_t *p = params;
    (void)op;
    if (p->size < 1 || p->window_size < 1 || p->size % p->window_size != 0 ||
        !micro_in_range(p->shift, 0, 31)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_SIGNAL_WINDOW_S16_INPUT], p->size, 2) ||
        !micro_fits(size[MICRO_SIGNAL_WINDOW_S16_WINDOW], p->window_size, 2) ||
        !micro_fits(size[MICRO_SIGNAL_WINDOW_S16_OUTPUT], p->size, 2)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (frames of a few hundred bytes, read in several passes; not derived).
 * */
const micro_kernel_t micro_kernel_signal_window_s16 = {
    step, check, sizeof(micro_signal_window_s16_params_t), MICRO_SIGNAL_WINDOW_S16_N_OPERANDS, MICRO_OVERLAP_NONE};
