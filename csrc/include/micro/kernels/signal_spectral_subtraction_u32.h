/*
 * SignalFilterBankSpectralSubtraction: subtract a running noise estimate from each channel.
 * With s = smoothing (even channels) or alternate_smoothing (odd channels), all in units
 * of 2^-spectral_subtraction_bits, and x_up = x << smoothing_bits (uint32 wrap):
 *   noise[c] = (x_up * s + noise[c] * (1 - s)) >> spectral_subtraction_bits   (uint64 sum)
 *   est = min(noise[c], x_up)          (and noise[c] = est when clamping)
 *   output[c] = max((x_up - est) >> smoothing_bits,
 *                   (x * min_signal_remaining) >> spectral_subtraction_bits)
 * `state` holds noise[] across invocations (zero after init and reset); noise_out gets a
 * copy of it after the update.
 */
#ifndef MICRO_KERNELS_SIGNAL_SPECTRAL_SUBTRACTION_U32_H
#define MICRO_KERNELS_SIGNAL_SPECTRAL_SUBTRACTION_U32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t num_channels;                     /* C >= 1 */
    uint32_t smoothing;                       /* even channels, any uint32 */
    uint32_t one_minus_smoothing;             /* even channels, any uint32 */
    uint32_t alternate_smoothing;             /* odd channels, any uint32 */
    uint32_t alternate_one_minus_smoothing;   /* odd channels, any uint32 */
    uint32_t min_signal_remaining;            /* any uint32 */
    uint32_t smoothing_bits;                  /* [0, 31] */
    uint32_t spectral_subtraction_bits;       /* [0, 63] */
    uint32_t clamping;                        /* 0 or 1 */
} micro_signal_spectral_subtraction_u32_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_SIGNAL_SPECTRAL_SUBTRACTION_U32_INPUT,      /* uint32[C] */
    MICRO_SIGNAL_SPECTRAL_SUBTRACTION_U32_OUTPUT,     /* uint32[C] */
    MICRO_SIGNAL_SPECTRAL_SUBTRACTION_U32_NOISE_OUT,  /* uint32[C] */
    MICRO_SIGNAL_SPECTRAL_SUBTRACTION_U32_STATE,      /* uint32[C] */
    MICRO_SIGNAL_SPECTRAL_SUBTRACTION_U32_N_OPERANDS
} micro_signal_spectral_subtraction_u32_operand_t;

micro_status_t micro_signal_spectral_subtraction_u32(
    const micro_signal_spectral_subtraction_u32_params_t *p, const uint32_t *input,
    uint32_t *output, uint32_t *noise_out, uint32_t *state);

#endif
