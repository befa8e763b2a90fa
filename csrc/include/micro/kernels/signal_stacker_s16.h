/*
 * SignalStacker (TFLM's signal library), int16: stacks successive feature vectors of
 * `channels` values into windows of left + 1 + right vectors, advancing by `step` vectors.
 * A FIFO holds the vectors not yet dropped; each invocation:
 *
 *   append the input vector; on the first invocation after init or reset, append it
 *   `left` more times (the left context starts as copies of the first vector); if the FIFO
 *   holds >= window = channels * (left + 1 + right) values, output its first window values
 *   and drop the first channels * step, valid = 1; else valid = 0 and the output is zeros
 *   (TFLM leaves it unwritten).
 *
 * The state is int32 held (values in the FIFO), int32 started (0 until the first
 * invocation), then the FIFO int16[window]: all zeros is the reset state.
 */
#ifndef MICRO_KERNELS_SIGNAL_STACKER_S16_H
#define MICRO_KERNELS_SIGNAL_STACKER_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t channels;  /* >= 1: values per input vector */
    int32_t left;      /* >= 0: left context, in vectors */
    int32_t window;    /* channels * (left + 1 + right), right >= 0 */
    int32_t drop;      /* channels * step, in [channels, window] */
} micro_signal_stacker_s16_params_t;

/* Operand slots: input int16[channels]; state (int32[2] then int16[window], persistent);
 * output int16[window]; valid bool. */
typedef enum {
    MICRO_SIGNAL_STACKER_S16_INPUT,
    MICRO_SIGNAL_STACKER_S16_STATE,
    MICRO_SIGNAL_STACKER_S16_OUTPUT,
    MICRO_SIGNAL_STACKER_S16_VALID,
    MICRO_SIGNAL_STACKER_S16_N_OPERANDS
} micro_signal_stacker_s16_operand_t;

/* Bytes of the state operand. */
int64_t micro_signal_stacker_s16_state_size(const micro_signal_stacker_s16_params_t *p);

micro_status_t micro_signal_stacker_s16(const micro_signal_stacker_s16_params_t *p,
                                        const int16_t *input, void *state, int16_t *output,
                                        uint8_t *valid);

#endif
