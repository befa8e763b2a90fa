/*
 * SignalFftAutoScale: shift an int16 frame left as far as its peak allows before the FFT.
 *   scale = max(0, 15 - msb(peak)),  output[i] = input[i] * 2^scale (int16 wrap)
 * `peak` is TFLM's running maximum of |x| kept in an int16 (so -32768 is special, see the
 * kernel), and msb(0) = 32, so an all-zero frame has scale 0.
 */
#ifndef MICRO_KERNELS_SIGNAL_FFT_AUTO_SCALE_S16_H
#define MICRO_KERNELS_SIGNAL_FFT_AUTO_SCALE_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t size;   /* N >= 1: input and output elements */
} micro_signal_fft_auto_scale_s16_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_SIGNAL_FFT_AUTO_SCALE_S16_INPUT,   /* int16[N] */
    MICRO_SIGNAL_FFT_AUTO_SCALE_S16_OUTPUT,  /* int16[N] */
    MICRO_SIGNAL_FFT_AUTO_SCALE_S16_SCALE,   /* int32[1]: the shift applied */
    MICRO_SIGNAL_FFT_AUTO_SCALE_S16_N_OPERANDS
} micro_signal_fft_auto_scale_s16_operand_t;

micro_status_t micro_signal_fft_auto_scale_s16(const micro_signal_fft_auto_scale_s16_params_t *p,
                                               const int16_t *input, int16_t *output,
                                               int32_t *scale);

#endif
