#include "micro/kernels/signal_rfft_s32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "kiss_fft_s32.h"

#define KT int32_t
#define KN(name) name##_s32
#define KINVERSE 0
#define KF(name) micro_signal_rfft_s32##name
#define KOP(slot) MICRO_SIGNAL_RFFT_S32_##slot
#include "signal_fft_template.h"

/* Overlap rule: none (frames are read in several passes while earlier frames' bins are
 * written; not derived). */
const micro_kernel_t micro_kernel_signal_rfft_s32 = {
    step, check, sizeof(micro_signal_rfft_s32_params_t), MICRO_SIGNAL_RFFT_S32_N_OPERANDS,
    MICRO_OVERLAP_NONE};
