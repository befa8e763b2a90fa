/*
 * CIRCULAR_BUFFER (TFLM's custom op for strided streaming models), int8. Every call shifts
 * the buffer of `n_frames` frames one frame towards its start (the oldest frame drops out)
 * and appends the input frame; then it counts the call, and until `cycles_max` calls have
 * been counted since the last completed one it returns MICRO_STOPPED: the invocation ends
 * here, as TFLM's kTfLiteAbort ends it, and the later steps wait for the next frames.
 * The buffer is the op's output, a variable tensor (its zero point after init and reset);
 * the counter is state (0 after init and reset).
 */
#ifndef MICRO_KERNELS_CIRCULAR_BUFFER_S8_H
#define MICRO_KERNELS_CIRCULAR_BUFFER_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t n_frames;     /* >= 1: frames the buffer holds (the output's dim 1) */
    int32_t frame_bytes;  /* >= 0: bytes of one frame (the output's dims 2 * 3) */
    int32_t cycles_max;   /* >= 1: calls per completed invocation (the stride in time) */
} micro_circular_buffer_s8_params_t;

/* Operand slots: input int8[frame_bytes] (bytes past it are not read), counter uint32[1]
 * (state: calls since the last completed one), buffer int8[n_frames * frame_bytes] (the
 * variable output; bytes past it are not touched). */
typedef enum {
    MICRO_CIRCULAR_BUFFER_S8_INPUT,
    MICRO_CIRCULAR_BUFFER_S8_COUNTER,
    MICRO_CIRCULAR_BUFFER_S8_BUFFER,
    MICRO_CIRCULAR_BUFFER_S8_N_OPERANDS
} micro_circular_buffer_s8_operand_t;

/* MICRO_OK when the call completes a stride, else MICRO_STOPPED. */
micro_status_t micro_circular_buffer_s8(const micro_circular_buffer_s8_params_t *p,
                                        const int8_t *input, uint32_t *counter, int8_t *buffer);

#endif
