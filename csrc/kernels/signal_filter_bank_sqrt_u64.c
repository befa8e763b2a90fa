#include "micro/kernels/signal_filter_bank_sqrt_u64.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "signal_bits.h"

/* TFLM's bit-by-bit integer square root of num, a `width`-bit value (32 or 64): rounded
 * up when the remainder exceeds the root, unless the root is already `max`. */
static uint64_t isqrt(uint64_t num, int32_t width, uint64_t max)
{
    if (num == 0) {
        return 0;
    }
    uint64_t res = 0;
    const int32_t top = (width - micro_signal_msb64(num)) | 1;
    uint64_t bit = UINT64_C(1) << (width - 1 - top);
    for (int32_t n = (width - 1 - top) / 2 + 1; n > 0; --n) {
        if (num >= res + bit) {
            num -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    if (num > res && res != max) {
        ++res;
    }
    return res;
}

/* TFLM's Sqrt64: values below 2^32 take its 32-bit path (Sqrt32, whose root saturates at
 * 0xFFFF), which is slightly less precise near 2^32, and part of the bit-exact result. */
static uint32_t sqrt64(uint64_t num)
{
    if ((num >> 32) == 0) {
        return (uint32_t)(isqrt(num, 32, 0xFFFF) & 0xFFFFu);
    }
    return (uint32_t)isqrt(num, 64, UINT64_C(0xFFFFFFFF));
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
