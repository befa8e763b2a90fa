/*
 * FULLY_CONNECTED int8 on dual 16-bit multiply-accumulates (SMLAD), the twin of
 * micro_fully_connected_s8 (fully_connected_s8.c, its oracle: same bytes out).
 *
 * The filter comes in blocks of 4 rows (filter_layout 1, fully_connected_s8.h): per group
 * of 4 columns, 4 consecutive words, one per row, so a block's 4 accumulators take 16
 * products from two 64-bit loads. The input row is widened once per batch row into the
 * scratch as the pairs (x0, x2), (x1, x3) of each group: one 64-bit load then meets the
 * two SXTB16 halves of every filter word, and two SMLAD per word add its 4 products
 * (without scratch the twin splits each input word by SXTB16 itself). Accumulators start
 * at bias - filter_zp * the row's sum (every sum wraps modulo 2^32, as the reference's
 * int32 arithmetic does). Row-major filters (layout 0) go 4 rows at a time too, each
 * filter word split per row; operands not word-aligned run the reference.
 */
#include "micro/kernels/fully_connected_s8_dsp.h"

#include <stddef.h>
#include <stdint.h>

#include "dsp.h"

/* acc[j] = bias[j] - zp_sum + the dot of block row j with the input over `groups` groups
 * of 4 columns; the input is the widened scratch (`widened`, a constant once inlined) or
 * the int8 row. */
static MICRO_ALWAYS_INLINE void block_dot(int widened, const void *x, const uint64_t *w,
                                          int32_t groups, const int32_t *bias, uint32_t zp_sum,
                                          int32_t *acc)
{
    int32_t a0 = (int32_t)((uint32_t)bias[0] - zp_sum);
    int32_t a1 = (int32_t)((uint32_t)bias[1] - zp_sum);
    int32_t a2 = (int32_t)((uint32_t)bias[2] - zp_sum);
    int32_t a3 = (int32_t)((uint32_t)bias[3] - zp_sum);
    for (int32_t g = 0; g < groups; ++g, w += 2) {
        uint32_t x_even, x_odd;
        if (widened) {
            const uint64_t xv = ((const uint64_t *)x)[g];
            x_even = (uint32_t)xv;
            x_odd = (uint32_t)(xv >> 32);
        } else {
            const uint32_t xv = micro_read4((const int8_t *)x + 4 * g);
            x_even = micro_sxtb16(xv);
            x_odd = micro_sxtb16_hi(xv);
        }
        const uint64_t w01 = w[0];
        uint32_t wv = (uint32_t)w01;
        a0 = micro_smlad(x_even, micro_sxtb16(wv), a0);
        a0 = micro_smlad(x_odd, micro_sxtb16_hi(wv), a0);
        wv = (uint32_t)(w01 >> 32);
        a1 = micro_smlad(x_even, micro_sxtb16(wv), a1);
        a1 = micro_smlad(x_odd, micro_sxtb16_hi(wv), a1);
        const uint64_t w23 = w[1];
        wv = (uint32_t)w23;
        a2 = micro_smlad(x_even, micro_sxtb16(wv), a2);
        a2 = micro_smlad(x_odd, micro_sxtb16_hi(wv), a2);
        wv = (uint32_t)(w23 >> 32);
        a3 = micro_smlad(x_even, micro_sxtb16(wv), a3);
        a3 = micro_smlad(x_odd, micro_sxtb16_hi(wv), a3);
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

#if MICRO_DSP && defined(__GNUC__)
/* One group in 19 instructions: 16 products from one 64-bit load of the widened input
 * and two of the filter (operands named as in block_widened's asm). */
#define FC_GROUP                                   \
    "ldrd %[xe], %[xo], [%[x]], #8\n\t"           \
    "ldrd %[w0], %[w1], [%[w]], #8\n\t"           \
    "sxtb16 %[t], %[w0]\n\t"                      \
    "smlad %[a0], %[xe], %[t], %[a0]\n\t"         \
    "sxtb16 %[w0], %[w0], ror #8\n\t"             \
    "smlad %[a0], %[xo], %[w0], %[a0]\n\t"        \
    "sxtb16 %[t], %[w1]\n\t"                      \
    "smlad %[a1], %[xe], %[t], %[a1]\n\t"         \
    "sxtb16 %[w1], %[w1], ror #8\n\t"             \
    "smlad %[a1], %[xo], %[w1], %[a1]\n\t"        \
    "ldrd %[w0], %[w1], [%[w]], #8\n\t"           \
    "sxtb16 %[t], %[w0]\n\t"                      \
    "smlad %[a2], %[xe], %[t], %[a2]\n\t"         \
    "sxtb16 %[w0], %[w0], ror #8\n\t"             \
    "smlad %[a2], %[xo], %[w0], %[a2]\n\t"        \
    "sxtb16 %[t], %[w1]\n\t"                      \
    "smlad %[a3], %[xe], %[t], %[a3]\n\t"         \
    "sxtb16 %[w1], %[w1], ror #8\n\t"             \
    "smlad %[a3], %[xo], %[w1], %[a3]\n\t"

/* block_dot on the widened input, two groups per turn of the loop (40 instructions per
 * 32 products; GCC's own loop splits the 64-bit input load and adds pointers apart). */
MICRO_NOINLINE static void block_widened(const uint64_t *x, const uint64_t *w, int32_t groups,
                                         const int32_t *bias, uint32_t zp_sum, int32_t *acc)
{
    int32_t a0 = (int32_t)((uint32_t)bias[0] - zp_sum);
    int32_t a1 = (int32_t)((uint32_t)bias[1] - zp_sum);
    int32_t a2 = (int32_t)((uint32_t)bias[2] - zp_sum);
    int32_t a3 = (int32_t)((uint32_t)bias[3] - zp_sum);
    uint32_t xe, xo, w0, w1, t;
    int32_t pairs = groups >> 1;
#define FC_OPERANDS                                                                          \
    : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(x), [w] "+r"(w),  \
      [n] "+r"(pairs), [xe] "=&r"(xe), [xo] "=&r"(xo), [w0] "=&r"(w0), [w1] "=&r"(w1),       \
      [t] "=&r"(t)                                                                           \
    :                                                                                        \
    : "cc", "memory"
    if (pairs > 0) {
        __asm__ volatile("1:\n\t" FC_GROUP FC_GROUP "subs %[n], %[n], #1\n\t"
                                                      "bne 1b" FC_OPERANDS);
    }
    if (groups & 1) {
        __asm__ volatile(FC_GROUP FC_OPERANDS);
    }
#undef FC_OPERANDS
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}
#undef FC_GROUP
#else
MICRO_NOINLINE static void block_widened(const uint64_t *x, const uint64_t *w, int32_t groups,
                                         const int32_t *bias, uint32_t zp_sum, int32_t *acc)
{
    block_dot(1, x, w, groups, bias, zp_sum, acc);
}
#endif

MICRO_NOINLINE static void block_bytes(const int8_t *x, const uint64_t *w, int32_t groups,
                                       const int32_t *bias, uint32_t zp_sum, int32_t *acc)
{
    block_dot(0, x, w, groups, bias, zp_sum, acc);
}

#include "dsp.h"

/* Layout 0: acc[j] = bias[j] - zp_sum + the dot of x with filter row w + j * depth, j < 4,
 * over n values (each filter word split by SXTB16 per row). */
MICRO_NOINLINE static void dot_1x4(const int8_t *x, const int8_t *w, int32_t depth, int32_t n,
                                   const int32_t *bias, uint32_t zp_sum, int32_t *acc)
{
    const int8_t *w0 = w, *w1 = w + depth, *w2 = w + 2 * depth, *w3 = w + 3 * depth;
    int32_t a0 = (int32_t)((uint32_t)bias[0] - zp_sum);
    int32_t a1 = (int32_t)((uint32_t)bias[1] - zp_sum);
    int32_t a2 = (int32_t)((uint32_t)bias[2] - zp_sum);
    int32_t a3 = (int32_t)((uint32_t)bias[3] - zp_sum);
    int32_t k = 0;
    for (; k + 4 <= n; k += 4) {
        const uint32_t xv = micro_read4(x + k);
        const uint32_t x_even = micro_sxtb16(xv), x_odd = micro_sxtb16_hi(xv);
        uint32_t wv = micro_read4(w0 + k);
        a0 = micro_smlad(x_even, micro_sxtb16(wv), a0);
        a0 = micro_smlad(x_odd, micro_sxtb16_hi(wv), a0);
        wv = micro_read4(w1 + k);
        a1 = micro_smlad(x_even, micro_sxtb16(wv), a1);
        a1 = micro_smlad(x_odd, micro_sxtb16_hi(wv), a1);
        wv = micro_read4(w2 + k);
        a2 = micro_smlad(x_even, micro_sxtb16(wv), a2);
        a2 = micro_smlad(x_odd, micro_sxtb16_hi(wv), a2);
        wv = micro_read4(w3 + k);
        a3 = micro_smlad(x_even, micro_sxtb16(wv), a3);
        a3 = micro_smlad(x_odd, micro_sxtb16_hi(wv), a3);
    }
    for (; k < n; ++k) {
        const int32_t xv = x[k];
        a0 = (int32_t)((uint32_t)a0 + (uint32_t)(xv * w0[k]));
        a1 = (int32_t)((uint32_t)a1 + (uint32_t)(xv * w1[k]));
        a2 = (int32_t)((uint32_t)a2 + (uint32_t)(xv * w2[k]));
        a3 = (int32_t)((uint32_t)a3 + (uint32_t)(xv * w3[k]));
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* acc + the dot of x with w over n values. */
static int32_t dot_1x1(const int8_t *x, const int8_t *w, int32_t n, int32_t acc)
{
    int32_t k = 0;
    for (; k + 4 <= n; k += 4) {
        const uint32_t xv = micro_read4(x + k), wv = micro_read4(w + k);
        acc = micro_smlad(micro_sxtb16(xv), micro_sxtb16(wv), acc);
        acc = micro_smlad(micro_sxtb16_hi(xv), micro_sxtb16_hi(wv), acc);
    }
    for (; k < n; ++k) {
        acc = (int32_t)((uint32_t)acc + (uint32_t)(x[k] * w[k]));
    }
    return acc;
}

/* One output byte: acc requantized with channel c's constants (fast: see dsp.h). */
static inline int8_t fc_out(int fast, int32_t acc, int32_t m, int32_t sh, int32_t zp, int32_t zp2,
                            int32_t lo, int32_t hi)
{
    if (fast) {
        return (int8_t)micro_requant_fast_out(acc, (int32_t)((uint32_t)m << 1), ~sh, zp2);
    }
    return (int8_t)micro_requant_out(acc, micro_requant_channel(m, sh), zp, zp2, lo, hi);
}

/* out[n + j] for j < 4 from acc[j]; inlined once per value of fast and per_channel
 * (constants there), so the requantization path is chosen once per 4 outputs, and one
 * multiplier's constants are loaded once. */
static MICRO_ALWAYS_INLINE void fc_out4(int fast, int per_channel, const int32_t *acc, int32_t n,
                                        const int32_t *multiplier, const int32_t *shift,
                                        int32_t zp, int32_t zp2, int32_t lo, int32_t hi,
                                        int8_t *out)
{
    for (int32_t j = 0; j < 4; ++j) {
        const int32_t c = per_channel ? n + j : 0;
        out[n + j] = fc_out(fast, acc[j], multiplier[c], shift[c], zp, zp2, lo, hi);
    }
}

/* The input row's groups widened into the scratch: (x0, x2) low, (x1, x3) high. */
static void widen(const int8_t *row, int32_t groups, uint64_t *xs)
{
    for (int32_t g = 0; g < groups; ++g) {
        const uint32_t xv = micro_read4(row + 4 * g);
        xs[g] = (uint64_t)micro_sxtb16(xv) | (uint64_t)micro_sxtb16_hi(xv) << 32;
    }
}

micro_status_t micro_fully_connected_s8_dsp(const micro_fully_connected_s8_params_t *p,
                                            const int8_t *input, const int8_t *filter,
                                            const int32_t *bias, const int32_t *multiplier,
                                            const int32_t *shift, int16_t *scratch,
                                            int8_t *output)
{
    if (((uintptr_t)filter | (uintptr_t)scratch) & 3u) {
        return micro_fully_connected_s8(p, input, filter, bias, multiplier, shift, scratch,
                                        output);
    }
    const int32_t depth = p->input_depth, units = p->output_depth;
    const int32_t groups = depth >> 2, k4 = depth & ~3, rest = depth - k4;
    const int32_t lo = p->act_min, hi = p->act_max;
    const int32_t zp = p->output_zp, zp2 = 1 + 2 * p->output_zp;
    /* Channel of output n: n & chan_mask (0 for per-tensor), no branch per output. */
    const int32_t chan_mask = p->per_channel ? -1 : 0;
    const int fast = micro_requant_fast_ok(multiplier, shift, p->per_channel ? units : 1, lo, hi);
    uint64_t *widened = p->filter_layout ? (uint64_t *)(void *)scratch : NULL;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *row = input + (int64_t)b * depth;
        int8_t *out = output + (int64_t)b * units;
        uint32_t zp_sum = 0;
        if (p->filter_zp != 0) {
            int32_t sum = 0;
            for (int32_t k = 0; k < depth; ++k) {
                sum += row[k];
            }
            zp_sum = (uint32_t)p->filter_zp * (uint32_t)sum;
        }
        if (widened != NULL) {
            widen(row, groups, widened);
        }
        int32_t n = 0;
        for (; n + 4 <= units; n += 4) {
            const int8_t *block = filter + (int64_t)n * depth;
            int32_t acc[4];
            const uint64_t *w = (const uint64_t *)(const void *)block;
            if (!p->filter_layout) {
                dot_1x4(row, block, depth, depth, bias + n, zp_sum, acc);
            } else if (widened != NULL) {
                block_widened(widened, w, groups, bias + n, zp_sum, acc);
            } else {
                block_bytes(row, w, groups, bias + n, zp_sum, acc);
            }
            for (int32_t j = 0; j < 4 && rest > 0 && p->filter_layout; ++j) {
                acc[j] = dot_1x1(row + k4, block + 4 * k4 + j * rest, rest, acc[j]);
            }
            if (fast && p->per_channel) {
                fc_out4(1, 1, acc, n, multiplier, shift, zp, zp2, lo, hi, out);
            } else if (fast) {
                fc_out4(1, 0, acc, n, multiplier, shift, zp, zp2, lo, hi, out);
            } else if (p->per_channel) {
                fc_out4(0, 1, acc, n, multiplier, shift, zp, zp2, lo, hi, out);
            } else {
                fc_out4(0, 0, acc, n, multiplier, shift, zp, zp2, lo, hi, out);
            }
        }
        for (; n < units; ++n) {
            const int32_t c = n & chan_mask;
            const int32_t acc = dot_1x1(row, filter + (int64_t)n * depth, depth,
                                        (int32_t)((uint32_t)bias[n] - zp_sum));
            out[n] = fc_out(fast, acc, multiplier[c], shift[c], zp, zp2, lo, hi);
        }
    }
    return MICRO_OK;
}
