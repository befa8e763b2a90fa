/*
 * SignalFilterBankLog: fixed-point natural log of each channel, scaled.
 *   x = input[c] << correction_bits (uint32 wrap); output[c] = 0 if x <= 1, else
 *   min(32767, (output_scale * ln_q16(x) + 2^15) >> 16)   (uint32 arithmetic)
 * where ln_q16 = (log2_q16(x) * ln2_q16 + 2^15) >> 16 and log2_q16 takes the integer part
 * from the highest set bit and the fraction from a 129-segment correction table
 * lut[k] = round(2^16 * (log2(1 + k/128) - k/128)), interpolated linearly.
 */
#ifndef MICRO_KERNELS_SIGNAL_FILTER_BANK_LOG_U32_H
#define MICRO_KERNELS_SIGNAL_FILTER_BANK_LOG_U32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_SIGNAL_LOG_LUT_SIZE 130

typedef struct {
    int32_t num_channels;      /* C >= 1 */
    uint32_t output_scale;     /* any uint32 */
    uint32_t correction_bits;  /* [0, 31] */
    uint32_t ln2_q16;          /* ln(2) * 2^16, rounded: 45426 */
} micro_signal_filter_bank_log_u32_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_SIGNAL_FILTER_BANK_LOG_U32_INPUT,   /* uint32[C] */
    /* uint16[MICRO_SIGNAL_LOG_LUT_SIZE] (entries 0..128 as above, entry 129 = 0) */
    MICRO_SIGNAL_FILTER_BANK_LOG_U32_LUT,
    MICRO_SIGNAL_FILTER_BANK_LOG_U32_OUTPUT,  /* int16[C] */
    MICRO_SIGNAL_FILTER_BANK_LOG_U32_N_OPERANDS
} micro_signal_filter_bank_log_u32_operand_t;

micro_status_t micro_signal_filter_bank_log_u32(
    const micro_signal_filter_bank_log_u32_params_t *p, const uint32_t *input,
    const uint16_t *lut, int16_t *output);

#endif
