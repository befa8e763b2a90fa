/*
 * int16 sigmoid and tanh (internal), as TFLM's int16 reference LOGISTIC / TANH: a 256-entry
 * table of sigmoid on [0, 10.625] in steps of 1/24 (uint16, 1.0 = 2^16; built by the host,
 * micro/quant.py sigmoid_table_u16) interpolated linearly on |x|, the sign restored by
 * symmetry, and tanh(x) = 2 * sigmoid(2x) - 1 read from the same table.
 *
 * The input is Q3.12 scaled by 3 (so a table step is 512 units for sigmoid, 256 for tanh):
 * x * multiplier, rounded right by `shift` (> 0 only for a tanh whose input is finer than
 * Q3.12). The output is Q0.15.
 */
#ifndef MICRO_KERNELS_SIGMOID_S16_H
#define MICRO_KERNELS_SIGMOID_S16_H

#include <stdint.h>

#define MICRO_SIGMOID_TABLE_SIZE 256

static inline uint32_t micro_abs_u32(int32_t v)
{
    return v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
}

/* sigmoid of an input already scaled to the table (a step is 512 units), Q0.15 result in
 * [0, 32767]. */
static inline int16_t micro_sigmoid_s16_scaled(int32_t v, const uint16_t *table)
{
    const uint32_t a = micro_abs_u32(v);
    const uint32_t i = a >> 9;
    uint32_t r = UINT32_C(0x7FFF) << 10;
    if (i < 255) {
        const uint32_t lo = table[i];
        const uint32_t hi = table[i + 1];
        r = (lo << 9) + (a & 0x1FFu) * (hi - lo);
    }
    r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
    return (int16_t)(r >> 10);
}

/* sigmoid of a Q3.12 value (times 3, no shift), Q0.15 result in [0, 32767]. */
static inline int16_t micro_sigmoid_s16(int32_t x, const uint16_t *table)
{
    return micro_sigmoid_s16_scaled(x * 3, table);
}

/* tanh of (x * multiplier + round) >> shift, Q0.15 result in [-32767, 32767]. */
static inline int16_t micro_tanh_s16(int32_t x, int32_t multiplier, int32_t shift,
                                     const uint16_t *table)
{
    const int32_t round = shift > 0 ? (int32_t)(1u << (shift - 1)) : 0;
    const int32_t v = (x * multiplier + round) >> shift;
    const uint32_t a = micro_abs_u32(v);
    const uint32_t i = a >> 8;
    int32_t r = (int32_t)(UINT32_C(0xFFFF) << 8);
    if (i < 255) {
        const uint32_t lo = table[i];
        const uint32_t hi = table[i + 1];
        r = (int32_t)((lo << 8) + (a & 0xFFu) * (hi - lo));
    }
    r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    return (int16_t)(r >> 8);
}

#endif
