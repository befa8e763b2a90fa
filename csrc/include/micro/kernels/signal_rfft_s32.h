/*
 * SignalRfft, int32: the same with KISS FFT's FIXED_POINT=32 (Q31, halving by a rounded
 * multiply by (2^31-1)/2, sums wrapping to int32, also before the split's final halving);
 * twiddles floor(0.5 + (2^31 - 1) * cos/sin).
 * See signal_rfft_s16.h for the algorithm; params are the same struct.
 */
#ifndef MICRO_KERNELS_SIGNAL_RFFT_S32_H
#define MICRO_KERNELS_SIGNAL_RFFT_S32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/kernels/signal_rfft_s16.h"
#include "micro/status.h"

typedef micro_signal_rfft_s16_params_t micro_signal_rfft_s32_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_SIGNAL_RFFT_S32_INPUT,           /* int32[F*L] */
    MICRO_SIGNAL_RFFT_S32_TWIDDLES,        /* int32[2H] */
    MICRO_SIGNAL_RFFT_S32_SUPER_TWIDDLES,  /* int32[2*(H/2)] */
    /* micro_signal_rfft_s32_scratch_size(p) bytes: one complex frame */
    MICRO_SIGNAL_RFFT_S32_SCRATCH,
    MICRO_SIGNAL_RFFT_S32_OUTPUT,          /* int32[F*2*(H+1)] */
    MICRO_SIGNAL_RFFT_S32_N_OPERANDS
} micro_signal_rfft_s32_operand_t;

/* Bytes of the scratch operand, for params the kernel's check accepts. */
int64_t micro_signal_rfft_s32_scratch_size(const micro_signal_rfft_s32_params_t *p);

micro_status_t micro_signal_rfft_s32(const micro_signal_rfft_s32_params_t *p,
                                     const int32_t *input, const int32_t *twiddles,
                                     const int32_t *super_twiddles, int32_t *scratch,
                                     int32_t *output);

#endif
