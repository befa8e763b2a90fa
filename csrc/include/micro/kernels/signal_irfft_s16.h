/*
 * SignalIrfft, int16: the inverse of SignalRfft, KISS FFT's kiss_fftri (v130,
 * FIXED_POINT=16) as TFLM runs it. Each frame's H+1 complex bins (real, imag interleaved)
 * are folded into H complex values, each halved (rounded multiply by 16383) first:
 *   t[0] = ((X[0].r + X[H].r) / 2, (X[0].r - X[H].r) / 2)
 *   t[k] = e + o, t[H-k] = conj(e - o), with e = X[k]/2 + conj(X[H-k])/2,
 *          o = (X[k]/2 - conj(X[H-k])/2) * super[k-1]                  (1 <= k <= H/2)
 * then run through the H-point inverse complex FFT (whose stages divide by their radix),
 * whose H complex outputs are the frame's 2H real samples. Sums wrap to int16 as there.
 * The conjugate twiddles round(32767 * e^(2 pi i k / H)) and super twiddles
 * round(32767 * e^(i pi ((k+1)/H + 1/2))) are prepared on the host.
 */
#ifndef MICRO_KERNELS_SIGNAL_IRFFT_S16_H
#define MICRO_KERNELS_SIGNAL_IRFFT_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/kernels/signal_rfft_s16.h"
#include "micro/status.h"

typedef struct {
    int32_t frames;       /* F >= 1 */
    int32_t half_length;  /* H >= 2: complex FFT length (the real FFT length is 2H) */
    int32_t n_stages;     /* S in [1, MICRO_SIGNAL_RFFT_MAX_STAGES] */
    int32_t radix[16];    /* radix of stage s, in {2, 3, 4, 5}; their product is H */
} micro_signal_irfft_s16_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_SIGNAL_IRFFT_S16_INPUT,           /* int16[F*2*(H+1)] */
    MICRO_SIGNAL_IRFFT_S16_TWIDDLES,        /* int16[2H] (each in [-32767, 32767]) */
    MICRO_SIGNAL_IRFFT_S16_SUPER_TWIDDLES,  /* int16[2*(H/2)] (likewise) */
    /* micro_signal_irfft_s16_scratch_size(p) bytes: one folded complex frame */
    MICRO_SIGNAL_IRFFT_S16_SCRATCH,
    MICRO_SIGNAL_IRFFT_S16_OUTPUT,          /* int16[F*2H] */
    MICRO_SIGNAL_IRFFT_S16_N_OPERANDS
} micro_signal_irfft_s16_operand_t;

/* Bytes of the scratch operand, for params the kernel's check accepts. */
int64_t micro_signal_irfft_s16_scratch_size(const micro_signal_irfft_s16_params_t *p);

micro_status_t micro_signal_irfft_s16(const micro_signal_irfft_s16_params_t *p,
                                      const int16_t *input, const int16_t *twiddles,
                                      const int16_t *super_twiddles, int16_t *scratch,
                                      int16_t *output);

#endif
