/*
 * FULLY_CONNECTED int8 on dual 16-bit multiply-accumulates (SMLAD), the twin of
 * micro_fully_connected_s8 (fully_connected_s8.c, its oracle: same bytes out).
 *
 * Each input row is dotted with four filter rows at a time: per 4 values, the input word
 * is split once by SXTB16 into its even and odd values, each filter word likewise, and
 * two SMLAD per filter add the 4 products. Accumulators start at bias - filter_zp * the
 * row's sum (every sum wraps modulo 2^32, as the reference's int32 arithmetic does).
 */
#include "micro/kernels/fully_connected_s8_dsp.h"

#include <stdint.h>

#include "dsp.h"

/* acc[j] = bias[j] - zp_sum + the dot of x with filter row w + j * depth, j < 4, over n
 * values. */
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

/* out[n + j] for j < 4 from acc[j]; inlined once per value of fast (a constant there), so
 * the requantization path is chosen once per 4 outputs, not per output. */
static inline void fc_out4(int fast, const int32_t *acc, int32_t n, int32_t chan_mask,
                           const int32_t *multiplier, const int32_t *shift, int32_t zp,
                           int32_t zp2, int32_t lo, int32_t hi, int8_t *out)
{
    for (int32_t j = 0; j < 4; ++j) {
        const int32_t c = (n + j) & chan_mask;
        out[n + j] = fc_out(fast, acc[j], multiplier[c], shift[c], zp, zp2, lo, hi);
    }
}

micro_status_t micro_fully_connected_s8_dsp(const micro_fully_connected_s8_params_t *p,
                                            const int8_t *input, const int8_t *filter,
                                            const int32_t *bias, const int32_t *multiplier,
                                            const int32_t *shift, int8_t *output)
{
    const int32_t depth = p->input_depth, units = p->output_depth;
    const int32_t lo = p->act_min, hi = p->act_max;
    const int32_t zp = p->output_zp, zp2 = 1 + 2 * p->output_zp;
    /* Channel of output n: n & chan_mask (0 for per-tensor), no branch per output. */
    const int32_t chan_mask = p->per_channel ? -1 : 0;
    const int fast = micro_requant_fast_ok(multiplier, shift, p->per_channel ? units : 1, lo, hi);
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
        int32_t n = 0;
        for (; n + 4 <= units; n += 4) {
            int32_t acc[4];
            dot_1x4(row, filter + (int64_t)n * depth, depth, depth, bias + n, zp_sum, acc);
            if (fast) {
                fc_out4(1, acc, n, chan_mask, multiplier, shift, zp, zp2, lo, hi, out);
            } else {
                fc_out4(0, acc, n, chan_mask, multiplier, shift, zp, zp2, lo, hi, out);
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
