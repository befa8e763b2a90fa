#include "micro/kernels/circular_buffer_s8.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

micro_status_t micro_circular_buffer_s8(const micro_circular_buffer_s8_params_t *p,
                                        const int8_t *input, uint32_t *counter, int8_t *buffer)
{
    const size_t frame = (size_t)p->frame_bytes;
    const size_t kept = (size_t)(p->n_frames - 1) * frame;
    memmove(buffer, buffer + frame, kept);
    memcpy(buffer + kept, input, frame);
    /* TFLM counts cycles_max down to 0; counting up from 0 lets the state start as zeros.
     * ">=" rather than "==" keeps a counter a stray write pushed past the stride bounded. */
    const uint32_t calls = *counter + 1u;
    if (calls >= (uint32_t)p->cycles_max) {
        *counter = 0;
        return MICRO_OK;
    }
    *counter = calls;
    return MICRO_STOPPED;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_circular_buffer_s8(params, op[MICRO_CIRCULAR_BUFFER_S8_INPUT],
                                    op[MICRO_CIRCULAR_BUFFER_S8_COUNTER],
                                    op[MICRO_CIRCULAR_BUFFER_S8_BUFFER]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_circular_buffer_s8_params_t *p = params;
    if (p->n_frames < 1 || p->frame_bytes < 0 || p->cycles_max < 1) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_CIRCULAR_BUFFER_S8_INPUT], p->frame_bytes, 1) ||
        !micro_fits(size[MICRO_CIRCULAR_BUFFER_S8_COUNTER], 1, 4) ||
        !micro_fits(size[MICRO_CIRCULAR_BUFFER_S8_BUFFER], (int64_t)p->n_frames * p->frame_bytes,
                    1)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (the buffer is a variable, which no other operand may share). */
const micro_kernel_t micro_kernel_circular_buffer_s8 = {
    step, check, sizeof(micro_circular_buffer_s8_params_t), MICRO_CIRCULAR_BUFFER_S8_N_OPERANDS,
    MICRO_OVERLAP_NONE};
