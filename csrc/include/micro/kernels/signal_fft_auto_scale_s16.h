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

/* Operands: input int16[N], output int16[N], scale int32[1] (the shift applied). */
micro_status_t micro_signal_fft_auto_scale_s16(const micro_signal_fft_auto_scale_s16_params_t *p,
                                               const int16_t *input, int16_t *output,
                                               int32_t *scale);

#endif
