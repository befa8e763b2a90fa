/* Bit helpers shared by the signal kernels (internal). */
#ifndef MICRO_KERNELS_SIGNAL_BITS_H
#define MICRO_KERNELS_SIGNAL_BITS_H

#include <stdint.h>

/* Number of significant bits of x (position of the highest set bit, 1-based). As TFLM's
 * GCC build (__builtin_clz), 0 has 32, not 0: this matters for the FFT auto-scale of an
 * all-zero frame, whose scale is then 0. */
static inline int32_t micro_signal_msb32(uint32_t x)
{
    if (x == 0) {
        return 32;
    }
    int32_t n = 1;   /* binary search: five steps, no loop */
    if (x >> 16) {
        n += 16;
        x >>= 16;
    }
    if (x >> 8) {
        n += 8;
        x >>= 8;
    }
    if (x >> 4) {
        n += 4;
        x >>= 4;
    }
    if (x >> 2) {
        n += 2;
        x >>= 2;
    }
    return n + (int32_t)(x >> 1);
}

/* Same for 64 bits (0 has 64). */
static inline int32_t micro_signal_msb64(uint64_t x)
{
    if (x == 0) {
        return 64;
    }
    const uint32_t high = (uint32_t)(x >> 32);
    return high != 0 ? 32 + micro_signal_msb32(high) : micro_signal_msb32((uint32_t)x);
}

/* The int16 that x wraps to, as a store of an int into an int16_t does on every compiler
 * TFLM supports (two's complement), written without implementation-defined conversion. */
static inline int16_t micro_signal_wrap16(int32_t x)
{
    const int32_t low = (int32_t)((uint32_t)x & 0xFFFFu);
    return (int16_t)(low >= 0x8000 ? low - 0x10000 : low);
}

#endif
