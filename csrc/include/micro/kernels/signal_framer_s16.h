/*
 * SignalFramer (TFLM's signal library), int16: each row's stream of samples, fed
 * `n_frames * frame_step` samples per invocation, cut into frames of `frame_size` samples
 * advancing by `frame_step`. Per row, a FIFO holds the samples not yet framed:
 *
 *   for each of the n_frames chunks: append the chunk's frame_step samples; if the FIFO
 *   holds >= frame_size samples, the frame is its first frame_size samples and the first
 *   frame_step samples are dropped, else the invocation is not ready (valid = 0) and the
 *   frame is written as zeros (TFLM leaves it unwritten).
 *
 * After init and reset the FIFO holds `base` zeros: frame_size - frame_step with prefill,
 * else none. The state per row is the count of samples beyond `base` (int32) and the
 * FIFO (int16[capacity], capacity = frame_size rounded up to a multiple of frame_step):
 * all zeros is the reset state.
 */
#ifndef MICRO_KERNELS_SIGNAL_FRAMER_S16_H
#define MICRO_KERNELS_SIGNAL_FRAMER_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t rows;        /* >= 1: product of the input's outer dims */
    int32_t n_frames;    /* >= 1: frames per row and invocation */
    int32_t frame_size;  /* >= 1 */
    int32_t frame_step;  /* >= 1 (above frame_size: samples between frames are skipped) */
    int32_t capacity;    /* frame_size rounded up to a multiple of frame_step */
    int32_t base;        /* 0, or frame_size - frame_step with prefill (step <= size) */
} micro_signal_framer_s16_params_t;

/* Operand slots: input int16[rows*n_frames*frame_step]; state int32[rows] then
 * int16[rows*capacity] (persistent); output int16[rows*n_frames*frame_size]; valid bool. */
typedef enum {
    MICRO_SIGNAL_FRAMER_S16_INPUT,
    MICRO_SIGNAL_FRAMER_S16_STATE,
    MICRO_SIGNAL_FRAMER_S16_OUTPUT,
    MICRO_SIGNAL_FRAMER_S16_VALID,
    MICRO_SIGNAL_FRAMER_S16_N_OPERANDS
} micro_signal_framer_s16_operand_t;

/* Bytes of the state operand. */
int64_t micro_signal_framer_s16_state_size(const micro_signal_framer_s16_params_t *p);

micro_status_t micro_signal_framer_s16(const micro_signal_framer_s16_params_t *p,
                                       const int16_t *input, void *state, int16_t *output,
                                       uint8_t *valid);

#endif
