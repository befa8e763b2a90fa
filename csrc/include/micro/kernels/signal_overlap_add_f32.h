/*
 * SignalOverlapAdd (TFLM's signal library), float32: plain float sums, in this order.
 * See signal_overlap_add_s16.h for the algorithm; params are the same struct.
 */
#ifndef MICRO_KERNELS_SIGNAL_OVERLAP_ADD_F32_H
#define MICRO_KERNELS_SIGNAL_OVERLAP_ADD_F32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/kernels/signal_overlap_add_s16.h"
#include "micro/status.h"

typedef micro_signal_overlap_add_s16_params_t micro_signal_overlap_add_f32_params_t;

/* Operand slots: input float32[rows*n_frames*frame_size]; state float32[rows*frame_size]
 * (persistent); output float32[rows*n_frames*frame_step]. */
typedef enum {
    MICRO_SIGNAL_OVERLAP_ADD_F32_INPUT,
    MICRO_SIGNAL_OVERLAP_ADD_F32_STATE,
    MICRO_SIGNAL_OVERLAP_ADD_F32_OUTPUT,
    MICRO_SIGNAL_OVERLAP_ADD_F32_N_OPERANDS
} micro_signal_overlap_add_f32_operand_t;

micro_status_t micro_signal_overlap_add_f32(const micro_signal_overlap_add_f32_params_t *p,
                                            const float *input, float *state, float *output);

#endif
