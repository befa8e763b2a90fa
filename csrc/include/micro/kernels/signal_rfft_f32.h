/*
 * SignalRfft, float32: the same in KISS FFT's float: no scaling (unlike the fixed-point
 * types, the bins are not divided by the FFT length); twiddles float(cos/sin).
 * See signal_rfft_s16.h for the algorithm; params are the same struct.
 */
#ifndef MICRO_KERNELS_SIGNAL_RFFT_F32_H
#define MICRO_KERNELS_SIGNAL_RFFT_F32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/kernels/signal_rfft_s16.h"
#include "micro/status.h"

typedef micro_signal_rfft_s16_params_t micro_signal_rfft_f32_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_SIGNAL_RFFT_F32_INPUT,           /* float[F*L] */
    MICRO_SIGNAL_RFFT_F32_TWIDDLES,        /* float[2H] */
    MICRO_SIGNAL_RFFT_F32_SUPER_TWIDDLES,  /* float[2*(H/2)] */
    /* micro_signal_rfft_f32_scratch_size(p) bytes: one complex frame */
    MICRO_SIGNAL_RFFT_F32_SCRATCH,
    MICRO_SIGNAL_RFFT_F32_OUTPUT,          /* float[F*2*(H+1)] */
    MICRO_SIGNAL_RFFT_F32_N_OPERANDS
} micro_signal_rfft_f32_operand_t;

/* Bytes of the scratch operand, for params the kernel's check accepts. */
int64_t micro_signal_rfft_f32_scratch_size(const micro_signal_rfft_f32_params_t *p);

micro_status_t micro_signal_rfft_f32(const micro_signal_rfft_f32_params_t *p,
                                     const float *input, const float *twiddles,
                                     const float *super_twiddles, float *scratch,
                                     float *output);

#endif
