#include "micro/kernels/signal_stacker_s16.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

int64_t micro_signal_stacker_s16_state_size(const micro_signal_stacker_s16_params_t *p)
{
    return 2 * (int64_t)sizeof(int32_t) + (int64_t)p->window * 2;
}

micro_status_t micro_signal_stacker_s16(const micro_signal_stacker_s16_params_t *p,
                                        const int16_t *input, void *state, int16_t *output,
                                        uint8_t *valid)
{
    int32_t *header = state;
    int16_t *fifo = (int16_t *)(header + 2);
    const size_t ch = (size_t)p->channels;
    int64_t held = header[0];
    /* Held counts are whole vectors below the window; anything else is a corrupted state. */
    if (held < 0 || held > p->window - p->channels || held % p->channels != 0) {
        held = 0;
    }
    memcpy(fifo + held, input, ch * sizeof(int16_t));
    held += p->channels;
    if (!header[1]) {
        for (int32_t k = 0; k < p->left; ++k) {
            memcpy(fifo + held, fifo + held - p->channels, ch * sizeof(int16_t));
            held += p->channels;
        }
        header[1] = 1;
    }
    if (held >= p->window) {
        memcpy(output, fifo, (size_t)p->window * sizeof(int16_t));
        held -= p->drop;
        memmove(fifo, fifo + p->drop, (size_t)held * sizeof(int16_t));
        *valid = 1;
    } else {
        memset(output, 0, (size_t)p->window * sizeof(int16_t));
        *valid = 0;
    }
    header[0] = (int32_t)held;
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_stacker_s16(params, op[MICRO_SIGNAL_STACKER_S16_INPUT],
                                    op[MICRO_SIGNAL_STACKER_S16_STATE],
                                    op[MICRO_SIGNAL_STACKER_S16_OUTPUT],
                                    op[MICRO_SIGNAL_STACKER_S16_VALID]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_stacker_s16_params_t *p = params;
    (void)op;
    if (p->channels < 1 || p->left < 0 || p->window < 1 || p->window % p->channels != 0 ||
        p->window / p->channels < p->left + 1 || p->drop % p->channels != 0 ||
        !micro_in_range(p->drop, p->channels, p->window)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_SIGNAL_STACKER_S16_INPUT], p->channels, 2) ||
        !micro_fits(size[MICRO_SIGNAL_STACKER_S16_STATE], micro_signal_stacker_s16_state_size(p),
                    1) ||
        !micro_fits(size[MICRO_SIGNAL_STACKER_S16_OUTPUT], p->window, 2) ||
        !micro_fits(size[MICRO_SIGNAL_STACKER_S16_VALID], 1, 1)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (the input is read before the output is written, but the two may not
 * share bytes: the FIFO copy and the output copy are separate passes). */
const micro_kernel_t micro_kernel_signal_stacker_s16 = {
    step, check, sizeof(micro_signal_stacker_s16_params_t),
    MICRO_SIGNAL_STACKER_S16_N_OPERANDS, MICRO_OVERLAP_NONE};
