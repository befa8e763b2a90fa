#include "micro/kernels/signal_framer_s16.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

int64_t micro_signal_framer_s16_state_size(const micro_signal_framer_s16_params_t *p)
{
    return (int64_t)p->rows * ((int64_t)sizeof(int32_t) + (int64_t)p->capacity * 2);
}

micro_status_t micro_signal_framer_s16(const micro_signal_framer_s16_params_t *p,
                                       const int16_t *input, void *state, int16_t *output,
                                       uint8_t *valid)
{
    int32_t *extra = state;
    int16_t *fifos = (int16_t *)(extra + p->rows);
    const int64_t step = p->frame_step, size = p->frame_size;
    uint8_t ready = 1;
    for (int64_t r = 0; r < p->rows; ++r) {
        int16_t *fifo = fifos + r * p->capacity;
        int64_t held = (int64_t)p->base + extra[r];
        if (held < p->base || held > p->capacity - step) {
            held = p->base; /* only a corrupted state: keep the writes inside the FIFO */
        }
        for (int64_t f = 0; f < p->n_frames; ++f) {
            const int64_t frame = r * p->n_frames + f;
            int16_t *out = output + frame * size;
            memcpy(fifo + held, input + frame * step, (size_t)step * sizeof(int16_t));
            held += step;
            if (held >= size) {
                memcpy(out, fifo, (size_t)size * sizeof(int16_t));
                held -= step;
                memmove(fifo, fifo + step, (size_t)held * sizeof(int16_t));
            } else {
                memset(out, 0, (size_t)size * sizeof(int16_t));
                ready = 0;
            }
        }
        extra[r] = (int32_t)(held - p->base);
    }
    *valid = ready;
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_framer_s16(params, op[MICRO_SIGNAL_FRAMER_S16_INPUT],
                                   op[MICRO_SIGNAL_FRAMER_S16_STATE],
                                   op[MICRO_SIGNAL_FRAMER_S16_OUTPUT],
                                   op[MICRO_SIGNAL_FRAMER_S16_VALID]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_framer_s16_params_t *p = params;
    (void)op;
    const int32_t dims[3] = {p->rows, p->n_frames, p->frame_size};
    const int64_t frames = micro_count(dims, 2);
    if (micro_count(dims, 3) < 0 || p->frame_step < 1 ||
        p->capacity != ((int64_t)p->frame_size + p->frame_step - 1) / p->frame_step * p->frame_step ||
        (p->base != 0 && (p->frame_step > p->frame_size || p->base != p->frame_size - p->frame_step))) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_SIGNAL_FRAMER_S16_INPUT], frames * p->frame_step, 2) ||
        !micro_fits(size[MICRO_SIGNAL_FRAMER_S16_STATE], micro_signal_framer_s16_state_size(p),
                    1) ||
        !micro_fits(size[MICRO_SIGNAL_FRAMER_S16_OUTPUT], frames * p->frame_size, 2) ||
        !micro_fits(size[MICRO_SIGNAL_FRAMER_S16_VALID], 1, 1)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (an input chunk is read after earlier frames were written). */
const micro_kernel_t micro_kernel_signal_framer_s16 = {
    step, check, sizeof(micro_signal_framer_s16_params_t), MICRO_SIGNAL_FRAMER_S16_N_OPERANDS,
    MICRO_OVERLAP_NONE};
