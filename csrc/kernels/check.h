/* Helpers for kernel check functions (internal). Sizes are computed in 64 bits so a
 * hostile params struct cannot overflow them. */
#ifndef MICRO_KERNELS_CHECK_H
#define MICRO_KERNELS_CHECK_H

#include <stdint.h>

/* Product of n dims, or -1 if any is < 1 or the product exceeds 2^31. */
static inline int64_t micro_count(const int32_t *dims, int n)
{
    int64_t total = 1;
    for (int i = 0; i < n; ++i) {
        if (dims[i] < 1) {
            return -1;
        }
        total *= dims[i];
        if (total > INT32_MAX) {
            return -1;
        }
    }
    return total;
}

/* 1 if an operand of `size` bytes holds at least `count` elements of `width` bytes. */
static inline int micro_fits(uint32_t size, int64_t count, int64_t width)
{
    return count >= 0 && (int64_t)size >= count * width;
}

static inline int micro_in_range(int32_t x, int32_t lo, int32_t hi)
{
    return x >= lo && x <= hi;
}

/* Requantization parameters: multiplier non-negative, shift in [-31, 30]. */
static inline int micro_requant_ok(const int32_t *multiplier, const int32_t *shift, int64_t n)
{
    for (int64_t i = 0; i < n; ++i) {
        if (multiplier[i] < 0 || shift[i] < -31 || shift[i] > 30) {
            return 0;
        }
    }
    return 1;
}

/* Element sizes of the type-agnostic data movement kernels. */
static inline int micro_elem_size_ok(int32_t es)
{
    return es == 1 || es == 2 || es == 4 || es == 8;
}

/* 1 if two operands share no byte (a kernel may then use memcpy between them). */
static inline int micro_disjoint(const void *a, uint32_t a_size, const void *b, uint32_t b_size)
{
    const uintptr_t x = (uintptr_t)a;
    const uintptr_t y = (uintptr_t)b;
    return x + a_size <= y || y + b_size <= x;
}

#endif
