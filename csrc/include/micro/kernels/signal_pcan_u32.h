/*
 * SignalPCAN: per-channel automatic gain control (PCAN) by a noise-dependent gain.
 *   gain = wide_dynamic_function(noise[c], lut)   (int16, piecewise quadratic in log2)
 *   snr = (x[c] * (uint32)gain) >> snr_shift       (uint64 product, uint32 result)
 *   output[c] = snr < 2^13 ? snr^2 >> 20 : (snr >> 6) - 64
 * (12 SNR fractional bits in, 6 out, as TFLM's fixed PCAN constants).
 */
#ifndef MICRO_KERNELS_SIGNAL_PCAN_U32_H
#define MICRO_KERNELS_SIGNAL_PCAN_U32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_SIGNAL_PCAN_LUT_SIZE 125

typedef struct {
    int32_t num_channels;   /* C >= 1 */
    int32_t snr_shift;      /* [0, 63] */
} micro_signal_pcan_u32_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_SIGNAL_PCAN_U32_INPUT,   /* uint32[C] */
    MICRO_SIGNAL_PCAN_U32_NOISE,   /* uint32[C] */
    MICRO_SIGNAL_PCAN_U32_LUT,     /* int16[MICRO_SIGNAL_PCAN_LUT_SIZE] */
    MICRO_SIGNAL_PCAN_U32_OUTPUT,  /* uint32[C] */
    MICRO_SIGNAL_PCAN_U32_N_OPERANDS
} micro_signal_pcan_u32_operand_t;

micro_status_t micro_signal_pcan_u32(const micro_signal_pcan_u32_params_t *p,
                                     const uint32_t *input, const uint32_t *noise,
                                     const int16_t *lut, uint32_t *output);

#endif
