/*
 * SignalFilterBankSquareRoot: integer square root of uint64 channel energies, scaled down.
 *   output[c] = isqrt_rounded(input[c]) >> scale_bits
 * isqrt_rounded is TFLM's: bit-by-bit square root rounded up when the remainder exceeds
 * the root (saturating at 0xFFFF / 0xFFFFFFFF); values below 2^32 take the 32-bit path.
 * `scale_bits` is a tensor (the FFT auto-scale shift) read at run time; a value outside
 * [0, 31] is MICRO_ERR_PARAMS.
 */
#ifndef MICRO_KERNELS_SIGNAL_FILTER_BANK_SQRT_U64_H
#define MICRO_KERNELS_SIGNAL_FILTER_BANK_SQRT_U64_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t num_channels;   /* C >= 1 */
} micro_signal_filter_bank_sqrt_u64_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_SIGNAL_FILTER_BANK_SQRT_U64_INPUT,       /* uint64[C] */
    MICRO_SIGNAL_FILTER_BANK_SQRT_U64_SCALE_BITS,  /* int32[1] */
    MICRO_SIGNAL_FILTER_BANK_SQRT_U64_OUTPUT,      /* uint32[C] */
    MICRO_SIGNAL_FILTER_BANK_SQRT_U64_N_OPERANDS
} micro_signal_filter_bank_sqrt_u64_operand_t;

micro_status_t micro_signal_filter_bank_sqrt_u64(
    const micro_signal_filter_bank_sqrt_u64_params_t *p, const uint64_t *input,
    const int32_t *scale_bits, uint32_t *output);

#endif
