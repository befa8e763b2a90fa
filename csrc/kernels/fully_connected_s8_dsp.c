/*
 * FULLY_CONNECTED int8 on dual 16-bit multiply-accumulates (SMLAD), the twin of
 * micro_fully_connected_s8 (fully_connected_s8.c, its oracle: same bytes out).
 *
 * The filter comes in blocks of 4 rows (filter_layout 1, fully_connected_s8.h): per group
 * of 4 columns, 4 consecutive words, one per row, so a block's 4 accumulators take 16
 * products from one run of 6 loads. The input row is widened once per batch row into the
 * scratch as the pairs (x0, x2), (x1, x3) of each group: those two words then meet the
 * two SXTB16 halves of every filter word, and two SMLAD per word add its 4 products
 * (without scratch the twin splits each input word by SXTB16 itself). On filter layout 2
 * (the compiler's choice where the flash budget allows) each group's words are already
 * those halves as int16, 8 words a group: the loops run the same blocks with no SXTB16,
 * 11 instructions (21 est. cycles) per 16 products instead of 18 (24). Accumulators start
 * at bias - filter_zp * the row's sum (every sum wraps modulo 2^32, as the reference's
 * int32 arithmetic does). Each block's 4 outputs are requantized where its loop ends, with
 * per-tensor constants held from one block to the next; without the scratch (layers of
 * fewer than 32 rows) the same blocks split the int8 row's words themselves. Small layers
 * on that requantization skip the loops' set-up: K = 8 holds the split input in registers
 * and makes each row's sum in turn, K = 1 is one product per output. The rows after the
 * last block (row-major) go two at a time, each input word split once for both. Row-major
 * filters (layout 0, a Program compiled for a core without the DSP extension) and operands
 * not word-aligned run the reference. Which of these loops a call takes is fc_plan's
 * answer (fully_connected_s8_dsp_path.h); a call taking one a build drops (micro/paths.h)
 * runs the reference too. Before that tree, the lean lane (fc_lean: one batch row,
 * symmetric weights, the fast per-tensor requantization, K a multiple of 4, no scratch)
 * takes the common small layer on a short call path: the step's operands read where they
 * are needed (micro_fully_connected_s8_dsp_step), its constants made once, the rows after
 * the blocks first and the blocks' asm last, so nothing is spilled around the loops.
 */
#include "micro/kernels/fully_connected_s8_dsp.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dsp.h"
#include "dsp_pair.h"
#include "micro/paths.h"

/* 8 bytes at p (two words, low first), at any word alignment: the direct API takes filters
 * and scratch word-aligned only (fc_plan's test), so a uint64_t load there would be
 * misaligned (undefined in C; the sanitized build's -fsanitize=alignment reports it). A
 * memcpy compiles to one 8-byte load on the host and LDRD or two LDR on a Cortex-M. */
static MICRO_ALWAYS_INLINE uint64_t fc_read8(const void *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* acc[j] += the dot of block row j (words w) with the input over `groups` groups of 4
 * columns; the input is the widened scratch (`widened`, a constant once inlined) or the
 * int8 row; the filter int8 (layout 1) or int16 (`wide`, layout 2: 8 words a group, row j's
 * pairs (w0, w2), (w1, w3) at 2j, 2j + 1, already the halves SXTB16 would make). Words are
 * read two at a time by fc_read8 (word alignment is all a call promises). */
static MICRO_ALWAYS_INLINE void block_dot(int widened, int wide, const void *x,
                                          const uint32_t *w, int32_t groups, int32_t *acc)
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    for (int32_t g = 0; g < groups; ++g, w += wide ? 8 : 4) {
        uint32_t x_even, x_odd;
        if (widened) {
            const uint64_t xv = fc_read8((const uint32_t *)x + 2 * g);
            x_even = (uint32_t)xv;
            x_odd = (uint32_t)(xv >> 32);
        } else {
            const uint32_t xv = micro_read4((const int8_t *)x + 4 * g);
            x_even = micro_sxtb16(xv);
            x_odd = micro_sxtb16_hi(xv);
        }
        if (wide) {
            const uint64_t v0 = fc_read8(w), v1 = fc_read8(w + 2), v2 = fc_read8(w + 4),
                           v3 = fc_read8(w + 6);
            a0 = micro_smlad(x_odd, (uint32_t)(v0 >> 32), micro_smlad(x_even, (uint32_t)v0, a0));
            a1 = micro_smlad(x_odd, (uint32_t)(v1 >> 32), micro_smlad(x_even, (uint32_t)v1, a1));
            a2 = micro_smlad(x_odd, (uint32_t)(v2 >> 32), micro_smlad(x_even, (uint32_t)v2, a2));
            a3 = micro_smlad(x_odd, (uint32_t)(v3 >> 32), micro_smlad(x_even, (uint32_t)v3, a3));
            continue;
        }
        const uint64_t w01 = fc_read8(w), w23 = fc_read8(w + 2);
        uint32_t wv = (uint32_t)w01;
        a0 = micro_smlad(x_even, micro_sxtb16(wv), a0);
        a0 = micro_smlad(x_odd, micro_sxtb16_hi(wv), a0);
        wv = (uint32_t)(w01 >> 32);
        a1 = micro_smlad(x_even, micro_sxtb16(wv), a1);
        a1 = micro_smlad(x_odd, micro_sxtb16_hi(wv), a1);
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

/* FC_BLOCK and its kin: the block sums in asm, or in C on block_dot. */
#include "fully_connected_s8_dsp_sums.h"

#if defined(FC_HAS_BLOCKS16_ASM) || defined(FC_HAS_SHORT16_ASM)
/* pw_out's pn (conv_quads_dsp.h) for the fast requantization's right shift
 * e = right1 + 1 in 1..31: -2^(32 - e) modulo 2^32. */
static inline uint32_t fc_pn(int32_t right1)
{
    return 0u - (1u << (31 - right1));
}
#endif

/* The common case: K a multiple of 4, the fast per-tensor requantization (m2, right1,
 * zp2: dsp.h), every block's sums and outputs in registers; the input widened (`widened`,
 * a constant once inlined: FC_BLOCK) or the int8 row (FC_BLOCK_BYTES8), the filter int8 or
 * int16 (`wide`, likewise: FC_BLOCK16, FC_BLOCK16_BYTES). */
static MICRO_ALWAYS_INLINE void blocks_fast(int widened, int wide, const void *x,
                                                             const uint32_t *w, int32_t groups,
                                                             const int32_t *bias, int32_t blocks,
                                                             uint32_t zp_sum, int32_t m2,
                                                             int32_t right1, int32_t zp2,
                                                             int8_t *out)
{
    for (; blocks > 0; --blocks, bias += 4, out += 4) {
        /* Each constant read once per block into a register (micro_settle), not once per
         * use: the asm loop leaves none free, and GCC would reload them from the stack at
         * every use after it. */
        uint32_t zs = zp_sum;
        micro_settle(zs);
        int32_t a0 = (int32_t)((uint32_t)bias[0] - zs);
        int32_t a1 = (int32_t)((uint32_t)bias[1] - zs);
        int32_t a2 = (int32_t)((uint32_t)bias[2] - zs);
        int32_t a3 = (int32_t)((uint32_t)bias[3] - zs);
        if (widened && wide) {
            FC_BLOCK16((const uint64_t *)x, w, groups, a0, a1, a2, a3);
        } else if (widened) {
            FC_BLOCK((const uint64_t *)x, w, groups, a0, a1, a2, a3);
        } else if (wide) {
            FC_BLOCK16_BYTES((const int8_t *)x, w, groups, a0, a1, a2, a3);
        } else {
            FC_BLOCK_BYTES8((const int8_t *)x, w, groups, a0, a1, a2, a3);
        }
        int32_t km = m2, kr = right1, kz = zp2;
        micro_settle(km);
        micro_settle(kr);
        micro_settle(kz);
        out[0] = (int8_t)micro_requant_fast_out(a0, km, kr, kz);
        out[1] = (int8_t)micro_requant_fast_out(a1, km, kr, kz);
        out[2] = (int8_t)micro_requant_fast_out(a2, km, kr, kz);
        out[3] = (int8_t)micro_requant_fast_out(a3, km, kr, kz);
    }
}

/* blocks_fast on the widened input, and on the int8 row; int8 filters, then int16. */
MICRO_NOINLINE MICRO_NO_FRAME_POINTER static void blocks_widened(
    const uint64_t *x, const uint32_t *w, int32_t groups, const int32_t *bias, int32_t blocks,
    uint32_t zp_sum, int32_t m2, int32_t right1, int32_t zp2, int8_t *out)
{
    blocks_fast(1, 0, x, w, groups, bias, blocks, zp_sum, m2, right1, zp2, out);
}

MICRO_NOINLINE MICRO_NO_FRAME_POINTER static void blocks_row(
    const int8_t *x, const uint32_t *w, int32_t groups, const int32_t *bias, int32_t blocks,
    uint32_t zp_sum, int32_t m2, int32_t right1, int32_t zp2, int8_t *out)
{
    blocks_fast(0, 0, x, w, groups, bias, blocks, zp_sum, m2, right1, zp2, out);
}

/* blocks_fast on int16 filters: the asm loop where the core has it. */
static MICRO_ALWAYS_INLINE void blocks16(int widened, const void *x, const uint32_t *w,
                                         int32_t groups, const int32_t *bias, int32_t blocks,
                                         uint32_t zp_sum, int32_t m2, int32_t right1,
                                         int32_t zp2, int8_t *out)
{
#ifdef FC_HAS_BLOCKS16_ASM
    if (blocks > 0 && groups > 0) {
        const uint32_t k[8] = {(uint32_t)(uintptr_t)x,
                               (uint32_t)groups,
                               (uint32_t)m2,
                               fc_pn(right1),
                               (uint32_t)((zp2 - 1) / 2),
                               (uint32_t)(uintptr_t)out,
                               (uint32_t)(uintptr_t)(out + 4 * blocks),
                               zp_sum};
        blocks16_asm(widened, k, w, bias);
    }
#else
    blocks_fast(widened, 1, x, w, groups, bias, blocks, zp_sum, m2, right1, zp2, out);
#endif
}

MICRO_NOINLINE MICRO_NO_FRAME_POINTER static void blocks_widened16(
    const uint64_t *x, const uint32_t *w, int32_t groups, const int32_t *bias, int32_t blocks,
    uint32_t zp_sum, int32_t m2, int32_t right1, int32_t zp2, int8_t *out)
{
    blocks16(1, x, w, groups, bias, blocks, zp_sum, m2, right1, zp2, out);
}

MICRO_NOINLINE MICRO_NO_FRAME_POINTER static void blocks_row16(
    const int8_t *x, const uint32_t *w, int32_t groups, const int32_t *bias, int32_t blocks,
    uint32_t zp_sum, int32_t m2, int32_t right1, int32_t zp2, int8_t *out)
{
    blocks16(0, x, w, groups, bias, blocks, zp_sum, m2, right1, zp2, out);
}

/* One output of blocks_short: row j of the block at w (its word in group 0; groups 4
 * words apart, or on int16 filters, `wide`, its two words and groups 8 apart). */
static MICRO_ALWAYS_INLINE int8_t short_out(int32_t groups, int wide, const uint32_t *w,
                                            int32_t acc, uint32_t xe0, uint32_t xo0,
                                            uint32_t xe1, uint32_t xo1, int32_t m2,
                                            int32_t right1, int32_t zp2)
{
    if (wide) {
        acc = micro_smlad(xe0, w[0], acc);
        acc = micro_smlad(xo0, w[1], acc);
        if (groups > 1) {
            acc = micro_smlad(xe1, w[8], acc);
            acc = micro_smlad(xo1, w[9], acc);
        }
        return (int8_t)micro_requant_fast_out(acc, m2, right1, zp2);
    }
    const uint32_t v = w[0];
    acc = micro_smlad(xe0, micro_sxtb16(v), acc);
    acc = micro_smlad(xo0, micro_sxtb16_hi(v), acc);
    if (groups > 1) {
        const uint32_t u = w[4];
        acc = micro_smlad(xe1, micro_sxtb16(u), acc);
        acc = micro_smlad(xo1, micro_sxtb16_hi(u), acc);
    }
    return (int8_t)micro_requant_fast_out(acc, m2, right1, zp2);
}

/* blocks_fast for K = 4 * groups, groups 1 or 2 (a constant once inlined): the input's
 * words split once per call and held in registers, each row's sum made and requantized
 * in turn, so a block costs its filter words, products and outputs only (the asm loops'
 * set-up would cost as much again). */
static MICRO_ALWAYS_INLINE void blocks_short(int32_t groups, int wide, const int8_t *x,
                                             const uint32_t *w, const int32_t *bias,
                                             int32_t blocks, uint32_t zp_sum, int32_t m2,
                                             int32_t right1, int32_t zp2, int8_t *out)
{
    const uint32_t x0 = micro_read4(x), x1 = groups > 1 ? micro_read4(x + 4) : 0;
    const uint32_t xe0 = micro_sxtb16(x0), xo0 = micro_sxtb16_hi(x0);
    const uint32_t xe1 = micro_sxtb16(x1), xo1 = micro_sxtb16_hi(x1);
    const int32_t row = wide ? 2 : 1; /* words from one row's to the next's */
    for (; blocks > 0; --blocks, bias += 4, out += 4, w += 4 * row * groups) {
        out[0] = short_out(groups, wide, w, (int32_t)((uint32_t)bias[0] - zp_sum), xe0, xo0,
                           xe1, xo1, m2, right1, zp2);
        out[1] = short_out(groups, wide, w + row, (int32_t)((uint32_t)bias[1] - zp_sum), xe0,
                           xo0, xe1, xo1, m2, right1, zp2);
        out[2] = short_out(groups, wide, w + 2 * row, (int32_t)((uint32_t)bias[2] - zp_sum),
                           xe0, xo0, xe1, xo1, m2, right1, zp2);
        out[3] = short_out(groups, wide, w + 3 * row, (int32_t)((uint32_t)bias[3] - zp_sum),
                           xe0, xo0, xe1, xo1, m2, right1, zp2);
    }
}

/* blocks_short for K = 8 (ad's 8-value bottleneck; K = 4 layers are rare enough for
 * blocks_row, and a copy of its own would cost about 250 B of flash), int8 filters, then
 * int16. */
MICRO_NOINLINE static void blocks_short_8(const int8_t *x, const uint32_t *w,
                                          const int32_t *bias, int32_t blocks, uint32_t zp_sum,
                                          int32_t m2, int32_t right1, int32_t zp2, int8_t *out)
{
    blocks_short(2, 0, x, w, bias, blocks, zp_sum, m2, right1, zp2, out);
}

MICRO_NOINLINE MICRO_NO_FRAME_POINTER static void blocks_short16_8(
    const int8_t *x, const uint32_t *w, const int32_t *bias, int32_t blocks, uint32_t zp_sum,
    int32_t m2, int32_t right1, int32_t zp2, int8_t *out)
{
#ifdef FC_HAS_SHORT16_ASM
    if (zp_sum == 0 && blocks > 0) {
        const uint32_t x0 = micro_read4(x), x1 = micro_read4(x + 4);
        const uint32_t k[8] = {(uint32_t)m2,
                               fc_pn(right1),
                               (uint32_t)((zp2 - 1) / 2),
                               (uint32_t)(uintptr_t)(out + 4 * blocks),
                               micro_sxtb16(x0),
                               micro_sxtb16_hi(x0),
                               micro_sxtb16(x1),
                               micro_sxtb16_hi(x1)};
        short16_8_asm(k, w, bias, out);
        return;
    }
#endif
    blocks_short(2, 1, x, w, bias, blocks, zp_sum, m2, right1, zp2, out);
}

/* acc[j] += the dot of block row j with the int8 row over groups groups (FC_BLOCK_BYTES,
 * or FC_BLOCK16_BYTES on int16 filters, `wide`), out of line; a loop the build drops
 * (micro/paths.h) is never called for: the dispatch ran the reference instead. */
MICRO_NOINLINE MICRO_NO_FRAME_POINTER static void block_bytes(int wide, const int8_t *x,
                                                             const uint32_t *w, int32_t groups,
                                                             int32_t *acc)
{
    if (groups <= 0) {
        return;
    }
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    if (MICRO_PATH_ON(MICRO_PATH_FC_INT16) && wide) {
        FC_BLOCK16_BYTES(x, w, groups, a0, a1, a2, a3);
    } else if (MICRO_PATH_ON(MICRO_PATH_FC_INT8) && !wide) {
        FC_BLOCK_BYTES(x, w, groups, a0, a1, a2, a3);
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

/* The general requantization of channel c, out of line: rare, and inlined it would cost
 * a few hundred bytes of flash per use. */
MICRO_NOINLINE static int8_t fc_out_general(const micro_fully_connected_s8_params_t *p,
                                            int32_t acc, const int32_t *multiplier,
                                            const int32_t *shift, int32_t c)
{
    return (int8_t)micro_requant_out(acc, micro_requant_channel(multiplier[c], shift[c]),
                                     p->output_zp, 1 + 2 * p->output_zp, p->act_min,
                                     p->act_max);
}

/* The input row's groups widened into the scratch: (x0, x2) low, (x1, x3) high. */
static void widen(const int8_t *row, int32_t groups, uint32_t *xs)
{
    for (int32_t g = 0; g < groups; ++g) {
        const uint32_t xv = micro_read4(row + 4 * g);
        xs[2 * g] = micro_sxtb16(xv);
        xs[2 * g + 1] = micro_sxtb16_hi(xv);
    }
}

/* One output byte: acc requantized with channel c's constants, by the fast path (`fast`:
 * dsp.h) or fc_out_general. */
static inline int8_t fc_out(int fast, const micro_fully_connected_s8_params_t *p,
                                         int32_t acc, const int32_t *multiplier,
                                         const int32_t *shift, int32_t c)
{
    if (fast) {
        return (int8_t)micro_requant_fast_out(acc, (int32_t)((uint32_t)multiplier[c] << 1),
                                              ~shift[c], 1 + 2 * p->output_zp);
    }
    return fc_out_general(p, acc, multiplier, shift, c);
}

/* Outputs n0.. of one batch row (n0 0 or N4): the blocks of 4 rows (int8 or, layout 2,
 * int16 groups; on the widened input, else the int8 row: the loops a build keeps, the
 * dispatch having run the reference otherwise), then the row-major rest; one copy for both
 * values of `fast` (flash: a second would cost about 0.6 KB for a path that runs only
 * small or per-channel layers). */
MICRO_NOINLINE static void fc_row(int fast, const micro_fully_connected_s8_params_t *p,
                                       const int8_t *row, const uint64_t *widened,
                                       const int8_t *filter, const int32_t *bias,
                                       const int32_t *multiplier, const int32_t *shift,
                                       uint32_t zp_sum, int32_t n0, int8_t *out)
{
    const int32_t depth = p->input_depth, units = p->output_depth;
    const int32_t groups = depth >> 2, k4 = depth & ~3, rest = depth - k4;
    const int32_t chan_mask = p->per_channel == 1 ? -1 : 0; /* channel of output n: n & mask */
    const int wide = p->filter_layout >= 2;
    const int32_t group_words = wide ? 8 : 4;
    const int8_t *rows = filter + (int64_t)(units >> 2) * 4 * (depth + (wide ? k4 : 0));
    const uint32_t *w = (const uint32_t *)(const void *)(n0 == 0 ? filter : rows);
    int32_t n = n0;
    for (; n + 4 <= units; n += 4) {
        int32_t acc[4];
        for (int32_t j = 0; j < 4; ++j) {
            acc[j] = (int32_t)((uint32_t)bias[n + j] - zp_sum);
        }
        if (widened == NULL) {
            if (MICRO_PATH_ON(MICRO_PATH_FC_ROW)) {
                block_bytes(wide, row, w, groups, acc);
            }
        } else if (!MICRO_PATH_ON(MICRO_PATH_FC_WIDENED)) {
            /* never: the scratch is given only to a build keeping its blocks */
        } else if (MICRO_PATH_ON(MICRO_PATH_FC_INT16) && wide) {
            block_dot(1, 1, widened, w, groups, acc);
        } else if (MICRO_PATH_ON(MICRO_PATH_FC_INT8) && !wide) {
            block_dot(1, 0, widened, w, groups, acc);
        }
        const int8_t *tail = (const int8_t *)(w + group_words * groups);
        for (int32_t j = 0; j < 4 && rest > 0; ++j) {
            acc[j] = dot_1x1(row + k4, tail + j * rest, rest, acc[j]);
        }
        w = (const uint32_t *)(const void *)(tail + 4 * rest);
        for (int32_t j = 0; j < 4; ++j) {
            out[n + j] = fc_out(fast, p, acc[j], multiplier, shift, (n + j) & chan_mask);
        }
    }
    /* The row-major rest, two rows at a time, then a last odd one. */
    for (; n < units; n += 2) {
        const int32_t pair = n + 1 < units;
        const int8_t *w0 = rows + (int64_t)(n - (units & ~3)) * depth;
        int32_t acc[2] = {(int32_t)((uint32_t)bias[n] - zp_sum),
                          (int32_t)((uint32_t)bias[n + pair] - zp_sum)};
        if (pair) {
            micro_dot2_s8(row, w0, w0 + depth, depth, &acc[0], &acc[1]);
        } else {
            acc[0] = dot_1x1(row, w0, depth, acc[0]);
        }
        for (int32_t j = 0; j <= pair; ++j) {
            out[n + j] = fc_out(fast, p, acc[j], multiplier, shift, (n + j) & chan_mask);
        }
    }
}

/* Outputs of a layer of one input value (hello_world's first: filter layout 1 is then
 * row-major) on the fast per-tensor requantization: each output one product, its bias and
 * its requantization. */
MICRO_NOINLINE static void rows_single(int32_t x, const int8_t *filter, const int32_t *bias,
                                       int32_t units, uint32_t zp_sum, int32_t m2,
                                       int32_t right1, int32_t zp2, int8_t *out)
{
    for (int32_t n = 0; n < units; ++n) {
        const uint32_t acc = (uint32_t)bias[n] - zp_sum + (uint32_t)(x * filter[n]);
        out[n] = (int8_t)micro_requant_fast_out((int32_t)acc, m2, right1, zp2);
    }
}

/* fc_plan: a call's paths, and micro_fully_connected_s8_dsp_path. */
#include "fully_connected_s8_dsp_path.h"

/* rest_rows, rows_fast (the rows after the blocks on the fast requantization). */
#include "fully_connected_s8_dsp_rest.h"

/* fc_lean_run, fc_lean_run16, fc_lean_head16: the lean lane's loops; fc_lean_single_ok. */
#include "fully_connected_s8_dsp_lean.h"

/* Every call but the lean lane's: fc_plan's loops. */
MICRO_NOINLINE static micro_status_t fc_general(const micro_fully_connected_s8_params_t *p,
                                                const int8_t *input, const int8_t *filter,
                                                const int32_t *bias, const int32_t *multiplier,
                                                const int32_t *shift, int16_t *scratch,
                                                int8_t *output)
{
    /* The loops (fc_plan decides, the host reads their paths); a call taking one this
     * build drops (micro/paths.h: fc_path among the dropped bits, 0 when it takes none,
     * each kept bit's term folded away) runs the reference kernel. */
    /* K = 1 on one row (hello_world's first layer): rows_single before the plan's tests */
    if (MICRO_PATH_ON(MICRO_PATH_FC_SINGLE) &&
        (p->per_channel == 3 || fc_lean_single_ok(p, filter, multiplier, shift, scratch))) {
        rows_single(input[0], filter, bias, p->output_depth, 0,
                    (int32_t)((uint32_t)multiplier[0] << 1), ~shift[0], 1 + 2 * p->output_zp,
                    output);
        return MICRO_OK;
    }
    const fc_plan_t c = fc_plan(p, filter, multiplier, shift, scratch);
    if (c.reference || fc_path(&c, ~(uint32_t)(MICRO_PATHS)) != 0u) {
        return micro_fully_connected_s8(p, input, filter, bias, multiplier, shift, scratch,
                                        output);
    }
    /* Each loop behind MICRO_PATH_ON: constant 0, and the loop dropped, where the build
     * lacks it (a call taking it never reaches here). */
    const int int16_on = MICRO_PATH_ON(MICRO_PATH_FC_INT16);
    const int int8_on = MICRO_PATH_ON(MICRO_PATH_FC_INT8);
    const int32_t depth = p->input_depth, units = p->output_depth, groups = depth >> 2;
    uint64_t *widened =
        MICRO_PATH_ON(MICRO_PATH_FC_WIDENED) && c.widened ? (uint64_t *)(void *)scratch : NULL;
    const int32_t m2 = (int32_t)((uint32_t)multiplier[0] << 1), right1 = ~shift[0];
    const int32_t zp2 = 1 + 2 * p->output_zp;
    const int32_t blocks = c.fast_blocks;
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
        if (MICRO_PATH_ON(MICRO_PATH_FC_SINGLE) && c.single) {
            rows_single(row[0], filter, bias, units, zp_sum, m2, right1, zp2, out);
            continue;
        }
        if (widened != NULL) {
            widen(row, groups, (uint32_t *)(void *)widened);
        }
        const uint32_t *w = (const uint32_t *)(const void *)filter;
        if (MICRO_PATH_ON(MICRO_PATH_FC_K8) && c.k8) {
            if (int16_on && c.wide) {
                blocks_short16_8(row, w, bias, blocks, zp_sum, m2, right1, zp2, out);
            } else if (int8_on && !c.wide) {
                blocks_short_8(row, w, bias, blocks, zp_sum, m2, right1, zp2, out);
            }
        } else if (blocks > 0 && widened != NULL) {
            if (int16_on && c.wide) {
                blocks_widened16(widened, w, groups, bias, blocks, zp_sum, m2, right1, zp2, out);
            } else if (int8_on && !c.wide) {
                blocks_widened(widened, w, groups, bias, blocks, zp_sum, m2, right1, zp2, out);
            }
        } else if (MICRO_PATH_ON(MICRO_PATH_FC_ROW) && blocks > 0) {
            if (int16_on && c.wide) {
                blocks_row16(row, w, groups, bias, blocks, zp_sum, m2, right1, zp2, out);
            } else if (int8_on && !c.wide) {
                blocks_row(row, w, groups, bias, blocks, zp_sum, m2, right1, zp2, out);
            }
        }
        if (MICRO_PATH_ON(MICRO_PATH_FC_REST) && c.rest_fast) {
            /* K is a multiple of 4: a block holds 4 * K bytes, or 8 * K on int16 groups */
            const int8_t *rest =
                filter + (int64_t)blocks * depth * (p->filter_layout >= 2 ? 8 : 4);
            rows_fast(c.pair16, row, rest, bias + 4 * blocks, units - 4 * blocks, depth, zp_sum,
                      m2, right1, zp2, out + 4 * blocks);
        } else if (MICRO_PATH_ON(MICRO_PATH_FC_REST) && c.rest) {
            fc_row(c.fast, p, row, widened, filter, bias, multiplier, shift, zp_sum, 4 * blocks,
                   out);
        }
    }
    return MICRO_OK;
}

/* K = 1 on per_channel 3 (fc_lean_single_ok checked at load): rows_single straight from the
 * step's operands. The same signature as the dispatch, which tail-calls it. */
MICRO_NOINLINE static micro_status_t fc_single_step(const micro_fully_connected_s8_params_t *p,
                                                    void *const *op)
{
    const fc_lean_ops_t o = fc_lean_ops(p, op);
    rows_single(o.input[0], o.filter, o.bias, o.units, 0, o.m2, o.right1, 1 + 2 * p->output_zp,
                o.output);
    return MICRO_OK;
}

micro_status_t micro_fully_connected_s8_dsp_step(const void *params, void *const *op)
{
    const micro_fully_connected_s8_params_t *p = params;
    const int8_t *filter = op[MICRO_FULLY_CONNECTED_S8_FILTER];
    const int32_t *multiplier = op[MICRO_FULLY_CONNECTED_S8_MULTIPLIER];
    const int32_t *shift = op[MICRO_FULLY_CONNECTED_S8_SHIFT];
    int16_t *scratch = op[MICRO_FULLY_CONNECTED_S8_SCRATCH];
    /* The lean lane where it applies and this build keeps its loops: a head on layout 3's
     * pair first (its tests before fc_lean's). */
    /* per_channel 2 and 3 (fully_connected_s8.h) are the compiler's word, checked at load,
     * that fc_lean, or fc_lean_single_ok, holds for every call: no test left to make. */
    const int32_t units = p->output_depth;
    if (MICRO_PATH_ON(MICRO_PATH_FC_SINGLE) && p->per_channel == 3) {
        return fc_single_step(p, op);
    }
    if (MICRO_PATH_ON(MICRO_PATH_FC_INT16) && MICRO_PATH_ON(MICRO_PATH_FC_REST) &&
        p->filter_layout == 3 && (uint32_t)(units - 2) < 2u) {
        if (p->per_channel == 2 || fc_lean(p, filter, multiplier, shift, scratch)) {
            return fc_lean_head16(p, op);
        }
    } else if ((p->per_channel == 2 || fc_lean(p, filter, multiplier, shift, scratch)) &&
               fc_lean_kept(p)) {
#if FC_LEAN16
        if (MICRO_PATH_ON(MICRO_PATH_FC_INT16) && units >= 4 && p->filter_layout >= 2 &&
            (p->input_depth == 8 ? MICRO_PATH_ON(MICRO_PATH_FC_K8)
                                 : MICRO_PATH_ON(MICRO_PATH_FC_ROW))) {
            return fc_lean_run16(p, op);
        }
#endif
        return fc_lean_run(p, op);
    }
    return fc_general(p, op[MICRO_FULLY_CONNECTED_S8_INPUT], filter,
                      op[MICRO_FULLY_CONNECTED_S8_BIAS], multiplier, shift, scratch,
                      op[MICRO_FULLY_CONNECTED_S8_OUTPUT]);
}

micro_status_t micro_fully_connected_s8_dsp(const micro_fully_connected_s8_params_t *p,
                                            const int8_t *input, const int8_t *filter,
                                            const int32_t *bias, const int32_t *multiplier,
                                            const int32_t *shift, int16_t *scratch,
                                            int8_t *output)
{
    /* The step's operand array (the kernel only reads through its pointers). */
    void *const op[MICRO_FULLY_CONNECTED_S8_N_OPERANDS] = {
        [MICRO_FULLY_CONNECTED_S8_INPUT] = (void *)(uintptr_t)input,
        [MICRO_FULLY_CONNECTED_S8_FILTER] = (void *)(uintptr_t)filter,
        [MICRO_FULLY_CONNECTED_S8_BIAS] = (void *)(uintptr_t)bias,
        [MICRO_FULLY_CONNECTED_S8_MULTIPLIER] = (void *)(uintptr_t)multiplier,
        [MICRO_FULLY_CONNECTED_S8_SHIFT] = (void *)(uintptr_t)shift,
        [MICRO_FULLY_CONNECTED_S8_SCRATCH] = scratch,
        [MICRO_FULLY_CONNECTED_S8_OUTPUT] = output};
    return micro_fully_connected_s8_dsp_step(p, op);
}
