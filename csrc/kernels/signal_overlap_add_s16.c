#include "micro/kernels/signal_overlap_add_s16.h"

#include "micro/kernel.h"
#include "requant.h"
#include "signal_overlap_add.h"

static void add_saturated(int16_t *buffer, const int16_t *frame, int64_t n)
{
    for (int64_t i = 0; i < n; ++i) {
        buffer[i] = (int16_t)micro_clamp((int32_t)buffer[i] + frame[i], INT16_MIN, INT16_MAX);
    }
}

micro_status_t micro_signal_overlap_add_s16(const micro_signal_overlap_add_s16_params_t *p,
                                            const int16_t *input, int16_t *state,
                                            int16_t *output)
{
    MICRO_OVERLAP_ADD_BODY(p, input, state, output, add_saturated);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_overlap_add_s16(params, op[MICRO_SIGNAL_OVERLAP_ADD_S16_INPUT],
                                        op[MICRO_SIGNAL_OVERLAP_ADD_S16_STATE],
                                        op[MICRO_SIGNAL_OVERLAP_ADD_S16_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_overlap_add_s16_params_t *p = params;
    (void)op;
    return micro_overlap_add_check(p->rows, p->n_frames, p->frame_size, p->frame_step, size, 2);
}

/* Overlap rule: none (output samples of a row are written before its later frames are
 * read). */
const micro_kernel_t micro_kernel_signal_overlap_add_s16 = {
    step, check, sizeof(micro_signal_overlap_add_s16_params_t),
    MICRO_SIGNAL_OVERLAP_ADD_S16_N_OPERANDS, MICRO_OVERLAP_NONE};
