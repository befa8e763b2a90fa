#include "micro/kernels/signal_irfft_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "kiss_fft_s16.h"

#define KT int16_t
#define KN(name) name##_s16
#define KINVERSE 1
#define KF(name) micro_signal_irfft_s16##name
#define KOP(slot) MICRO_SIGNAL_IRFFT_S16_##slot
#include "signal_fft_template.h"

/* Overlap rule: none (the inverse FFT writes a frame's output while later frames' input is
 * still to be read). */
const micro_kernel_t micro_kernel_signal_irfft_s16 = {
    step, check, sizeof(micro_signal_irfft_s16_params_t), MICRO_SIGNAL_IRFFT_S16_N_OPERANDS,
    MICRO_OVERLAP_NONE};
