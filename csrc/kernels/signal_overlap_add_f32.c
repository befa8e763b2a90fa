#include "micro/kernels/signal_overlap_add_f32.h"

#include "micro/kernel.h"
#include "signal_overlap_add.h"

static void add_float(float *buffer, const float *frame, int64_t n)
{
    for (int64_t i = 0; i < n; ++i) {
        buffer[i] += frame[i];
    }
}

micro_status_t micro_signal_overlap_add_f32(const micro_signal_overlap_add_f32_params_t *p,
                                            const float *input, float *state,
                                            float *output)
{
    MICRO_OVERLAP_ADD_BODY(p, input, state, output, add_float);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_overlap_add_f32(params, op[MICRO_SIGNAL_OVERLAP_ADD_F32_INPUT],
                                        op[MICRO_SIGNAL_OVERLAP_ADD_F32_STATE],
                                        op[MICRO_SIGNAL_OVERLAP_ADD_F32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_overlap_add_f32_params_t *p = params;
    (void)op;
    return micro_overlap_add_check(p->rows, p->n_frames, p->frame_size, p->frame_step, size, 4);
}

/* Overlap rule: none (output samples of a row are written before its later frames are
 * read). */
const micro_kernel_t micro_kernel_signal_overlap_add_f32 = {
    step, check, sizeof(micro_signal_overlap_add_f32_params_t),
    MICRO_SIGNAL_OVERLAP_ADD_F32_N_OPERANDS, MICRO_OVERLAP_NONE};
