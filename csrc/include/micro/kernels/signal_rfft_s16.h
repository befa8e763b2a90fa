/*
 * SignalRfft, int16: the fixed-point real FFT of KISS FFT (v130, FIXED_POINT=16), as TFLM
 * runs it. Each frame of L samples is zero-padded to the FFT length 2*H and transformed as
 * an H-point complex FFT of the (even, odd) sample pairs, then split into H+1 bins:
 *   - every radix-p butterfly stage first divides its inputs by p (rounded multiply by
 *     32767/p), products round half up (x + 2^14) >> 15, sums wrap to int16;
 *   - the split halves its inputs, rotates by the "super twiddles" and halves again.
 * The output is H+1 complex bins (real, imag interleaved), i.e. scaled by 1/(2H).
 *
 * Everything that needs floating point is prepared on the host: the H twiddles
 * round(32767 * e^(-2 pi i k / H)), the H/2 super twiddles
 * round(32767 * e^(-i pi ((k+1)/H + 1/2))) and the radix plan (KISS FFT's factorisation).
 */
#ifndef MICRO_KERNELS_SIGNAL_RFFT_S16_H
#define MICRO_KERNELS_SIGNAL_RFFT_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_SIGNAL_RFFT_MAX_STAGES 16

typedef struct {
    int32_t frames;         /* F >= 1: frames in the input and the output */
    int32_t input_length;   /* L in [1, 2H]: samples per input frame (zero-padded to 2H) */
    int32_t half_length;    /* H >= 2: complex FFT length (the real FFT length is 2H) */
    int32_t n_stages;       /* S in [1, MICRO_SIGNAL_RFFT_MAX_STAGES] */
    int32_t radix[16];      /* radix of stage s, in {2, 3, 4, 5}; their product is H */
} micro_signal_rfft_s16_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_SIGNAL_RFFT_S16_INPUT,           /* int16[F*L] */
    MICRO_SIGNAL_RFFT_S16_TWIDDLES,        /* int16[2H] (re, im; each in [-32767, 32767]) */
    MICRO_SIGNAL_RFFT_S16_SUPER_TWIDDLES,  /* int16[2*(H/2)] (likewise) */
    /* micro_signal_rfft_s16_scratch_size(p) bytes: one complex int16 frame */
    MICRO_SIGNAL_RFFT_S16_SCRATCH,
    MICRO_SIGNAL_RFFT_S16_OUTPUT,          /* int16[F*2*(H+1)] */
    MICRO_SIGNAL_RFFT_S16_N_OPERANDS
} micro_signal_rfft_s16_operand_t;

/* Bytes of the scratch operand, for params the kernel's check accepts. */
int64_t micro_signal_rfft_s16_scratch_size(const micro_signal_rfft_s16_params_t *p);

micro_status_t micro_signal_rfft_s16(const micro_signal_rfft_s16_params_t *p,
                                     const int16_t *input, const int16_t *twiddles,
                                     const int16_t *super_twiddles, int16_t *scratch,
                                     int16_t *output);

#endif
