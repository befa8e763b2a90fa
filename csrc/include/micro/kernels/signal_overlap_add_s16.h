/*
 * SignalOverlapAdd (TFLM's signal library), int16: the sums saturate to int16 (the float32
 * kernel, signal_overlap_add_f32.h, adds plainly). Each row's frames of frame_size samples
 * are added into a per-row buffer (state, frame_size samples), and each frame emits the
 * buffer's first frame_step samples, which then leave it:
 *
 *   buffer[i] += frame[i] (i < frame_size); output frame_step samples = buffer[0, step);
 *   buffer = buffer[step, frame_size) ++ frame_step zeros.
 *
 * The buffer starts as zeros (after init and reset), as TFLM's.
 */
#ifndef MICRO_KERNELS_SIGNAL_OVERLAP_ADD_S16_H
#define MICRO_KERNELS_SIGNAL_OVERLAP_ADD_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t rows;        /* >= 1: product of the input's outer dims (all but the last two) */
    int32_t n_frames;    /* >= 1: frames per row and invocation */
    int32_t frame_size;  /* >= 1 */
    int32_t frame_step;  /* in [1, frame_size] */
} micro_signal_overlap_add_s16_params_t;

/* Operand slots: input int16[rows*n_frames*frame_size]; state int16[rows*frame_size]
 * (persistent); output int16[rows*n_frames*frame_step]. */
typedef enum {
    MICRO_SIGNAL_OVERLAP_ADD_S16_INPUT,
    MICRO_SIGNAL_OVERLAP_ADD_S16_STATE,
    MICRO_SIGNAL_OVERLAP_ADD_S16_OUTPUT,
    MICRO_SIGNAL_OVERLAP_ADD_S16_N_OPERANDS
} micro_signal_overlap_add_s16_operand_t;

micro_status_t micro_signal_overlap_add_s16(const micro_signal_overlap_add_s16_params_t *p,
                                            const int16_t *input, int16_t *state, int16_t *output);

#endif
