/*
 * SignalDelay (TFLM's signal library), int16: each row of `frame` samples comes out
 * `delay` samples late. With B = state ++ input (the row's last `delay` samples before
 * this call, then its new ones): output = B[0, frame), state = B[frame, frame + delay).
 * The state starts as zeros (after init and after reset), as TFLM's.
 */
#ifndef MICRO_KERNELS_SIGNAL_DELAY_S16_H
#define MICRO_KERNELS_SIGNAL_DELAY_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t rows;   /* >= 1: product of the outer dims */
    int32_t frame;  /* >= 1: the innermost dim */
    int32_t delay;  /* >= 0: samples of delay (0: a copy) */
} micro_signal_delay_s16_params_t;

/* Operand slots: input int16[rows*frame], state int16[rows*delay] (persistent), output
 * int16[rows*frame]. */
typedef enum {
    MICRO_SIGNAL_DELAY_S16_INPUT,
    MICRO_SIGNAL_DELAY_S16_STATE,
    MICRO_SIGNAL_DELAY_S16_OUTPUT,
    MICRO_SIGNAL_DELAY_S16_N_OPERANDS
} micro_signal_delay_s16_operand_t;

micro_status_t micro_signal_delay_s16(const micro_signal_delay_s16_params_t *p,
                                      const int16_t *input, int16_t *state, int16_t *output);

#endif
