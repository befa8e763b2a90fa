#include "micro/kernels/signal_filter_bank_sqrt_u64.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "signal_bits.h"

/* Bit-by-bit integer square root, rounded up when the remainder exceeds the root, as
 * TFLM's Sqrt32 (root saturates at 0xFFFF). */
static uint32_t sqrt32(uint32_t num)
{
    if (num == 0) {
        return 0;
    }
    uint32_t res = 0;
    const int32_t top = (32 - micro_signal_msb32(num)) | 1;
    uint32_t bit = UINT32_C(1) << (31 - top);
    for (int32_t n = (31 - top) / 2 + 1; n > 0; --n) {
        if (num >= res + bit) {
            num -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    if (num > res && res != 0xFFFF) {
        ++res;
    }
    return res & 0xFFFFu;
}

/* Same for 64 bits; values below 2^32 take the 32-bit path (TFLM's shortcut, which is
 * slightly less precise near 2^32, and part of the bit-exact result). */
static uint32_t sqrt64(uint64_t num)
{
    if ((num >> 32) == 0) {
        return sqrt32((uint32_t)num);
    }
    uint64_t res = 0;
    const int32_t top = (64 - micro_signal_msb64(num)) | 1;
    uint64_t bit = UINT64_C(1) << (63 - top);
    for (int32_t n = (63 - top) / 2 + 1; n > 0; --n) {
        if (num >= res + bit) {
            num -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    if (num > res && res != UINT64_C(0xFFFFFFFF)) {
        ++res;
    }
    return (uint32_t)res;
}

micro_status_t micro_signal_filter_bank_sqrt_u64(
    const micro_signal_filter_bank_sqrt_u64_params_t *p, const uint64_t *input,
    const int32_t *scale_bits, uint32_t *output)
{
    const int32_t shift = *scale_bits;
    if (shift < 0 || shift > 31) {
        return MICRO_ERR_PARAMS;
    }
    for (int32_t c = 0; c < p->num_channels; ++c) {
        output[c] = sqrt64(input[c]) >> shift;
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_signal_filter_bank_sqrt_u64(params, op[MICRO_SIGNAL_FILTER_BANK_SQRT_U64_INPUT],
                                             op[MICRO_SIGNAL_FILTER_BANK_SQRT_U64_SCALE_BITS],
                                             op[MICRO_SIGNAL_FILTER_BANK_SQRT_U64_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_signal_filter_bank_sqrt_u64_params_t *p = params;
    (void)op;
    if (p->num_channels < 1) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_SIGNAL_FILTER_BANK_SQRT_U64_INPUT], p->num_channels, 8) ||
        !micro_fits(size[MICRO_SIGNAL_FILTER_BANK_SQRT_U64_SCALE_BITS], 1, 4) ||
        !micro_fits(size[MICRO_SIGNAL_FILTER_BANK_SQRT_U64_OUTPUT], p->num_channels, 4)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (frames of a few hundred bytes, read in several passes; not derived).
 * */
const micro_kernel_t micro_kernel_signal_filter_bank_sqrt_u64 = {
    step, check, sizeof(micro_signal_filter_bank_sqrt_u64_params_t),
    MICRO_SIGNAL_FILTER_BANK_SQRT_U64_N_OPERANDS, MICRO_OVERLAP_NONE};
