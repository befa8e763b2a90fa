/*
 * SignalWindow: multiply int16 frames by an int16 window, then shift right and saturate.
 *   output[f*W + i] = saturate_int16((input[f*W + i] * window[i]) >> shift)
 * for every frame f of W samples (the input is its frames, back to back).
 */
#ifndef MICRO_KERNELS_SIGNAL_WINDOW_S16_H
#define MICRO_KERNELS_SIGNAL_WINDOW_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t size;          /* N >= 1: input and output elements, a multiple of window_size */
    int32_t window_size;   /* W >= 1 */
    int32_t shift;         /* [0, 31]: arithmetic right shift of the 32-bit product */
} micro_signal_window_s16_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_SIGNAL_WINDOW_S16_INPUT,   /* int16[N] */
    MICRO_SIGNAL_WINDOW_S16_WINDOW,  /* int16[W] */
    MICRO_SIGNAL_WINDOW_S16_OUTPUT,  /* int16[N] */
    MICRO_SIGNAL_WINDOW_S16_N_OPERANDS
} micro_signal_window_s16_operand_t;

micro_status_t micro_signal_window_s16(const micro_signal_window_s16_params_t *p,
                                       const int16_t *input, const int16_t *window,
                                       int16_t *output);

#endif
