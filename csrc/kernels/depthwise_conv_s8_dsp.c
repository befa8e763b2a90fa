/*
 * DEPTHWISE_CONV_2D int8 on dual 16-bit multiply-accumulates, the twin of
 * micro_depthwise_conv_s8 (depthwise_conv_s8.c, its oracle: same bytes out).
 *
 * The compiler writes the filter as int16 tap pairs (filter layout 1,
 * depthwise_conv_s8.h): per quad of output channels and pair of taps (t, t + 1), one word
 * per channel holding both taps' weights. Output channels go a quad at a time, their 4
 * accumulators in registers from the bias on; a pair of taps packs the quad's inputs of
 * both taps into the same lanes (depth multiplier 1: two input words, PKHBT/PKHTB, then
 * SXTB16 and SXTB16 ROR #8 give each channel's (x_t, x_t+1); multiplier 2: two halfwords;
 * a multiple of 4: one input byte per tap, shared by the quad) and 4 SMLAD add its 8
 * products; an odd last tap takes SMLABB/SMLATB against its pair word's low lane. Each
 * pixel reads its taps through a table of pointers, a tap outside the image pointing at
 * a row of input_zp bytes (its product cancels the zero point folded into the bias), so a
 * border pixel costs what an inner one does; a row's whole windows go as one run, 3x3
 * unrolled. Loop order: output row, block of input channels, pixel, quad, so a pass never
 * crosses a row (the overlap rule in depthwise_conv_s8.c). Layout 0 (a Program compiled
 * for a core without the DSP extension), other depth multipliers and more than DW_TAPS
 * taps run the reference kernel (micro_depthwise_conv_s8_dsp_pairs tells the compiler).
 * 3x3 layers of stride 1, or 2 from 8 output rows, with rows of 3 or more outputs take the
 * column path instead (depthwise_conv_s8_dsp_cols.h: four output rows a pass on widened
 * input columns, per output column a block of 4 channels in turn) on filter layout 2
 * (vertical pairs; micro_depthwise_conv_s8_dsp_cols tells the compiler); on that layout
 * a stride-2 strip of fewer rows (a patched plan's) stays on the column path. Stride-2
 * 3x3 layers of multiplier 1 and whole quads of channels on the pointwise requantization
 * take their own path on layout 2 (depthwise_conv_s8_dsp_s2.h), whatever their size, or
 * on layout 3, its records (micro_depthwise_conv_s8_dsp_s2_records tells the compiler).
 */
#include "micro/kernels/depthwise_conv_s8_dsp.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dsp.h"
#include "micro/paths.h"

#define DW_BLOCK 64 /* input channels of a tap table (its input_zp row) */
#define DW_TAPS 25  /* taps of a tap table (up to 5x5) */
#define DW_RQ 256   /* output channels whose requantization constants sit on the stack */

enum { M1, M2, M4 }; /* depth multiplier 1, 2, a multiple of 4 */

/* What every quad of a call shares. rq[o - rq0]: 2 * multiplier, ~shift (fast path). */
typedef struct {
    const uint32_t *w; /* layout 1 */
    const int32_t *bias, *multiplier, *shift;
    int32_t mult, depth, pairs, lone; /* lone: the number of taps is odd */
    int32_t zp, zp2, lo, hi, rq0;
    int32_t (*rq)[2];
} dw_t;

/* A run of output pixels: tap[t] points at tap t's bytes for the first pixel and the
 * block's first input channel, in the image or in a row of input_zp bytes; the next
 * pixel's taps lie x_step bytes further. Output channels [o0, o0 + n). */
typedef struct {
    const int8_t *tap[DW_TAPS];
    int32_t pixels, x_step, o0, n;
    int8_t *out;
    int32_t out_step;
} run_t;

/* Weights j and j + 1 of a pair's 4 words (one LDRD). */
#define DW_W2(w, j, lo, hi)                                                                \
    do {                                                                                   \
        uint64_t v_;                                                                       \
        memcpy(&v_, (w) + (j), sizeof v_);                                                 \
        lo = (uint32_t)v_;                                                                 \
        hi = (uint32_t)(v_ >> 32);                                                         \
    } while (0)

/* Tap pointers 0 and 1 of tap (one LDRD where pointers are 32-bit). */
#define DW_TAP2(tap, t0, t1)                                                               \
    do {                                                                                   \
        if (sizeof(void *) == 4) {                                                         \
            uint64_t v_;                                                                   \
            memcpy(&v_, (tap), sizeof v_);                                                 \
            t0 = (const int8_t *)(uintptr_t)(uint32_t)v_;                                  \
            t1 = (const int8_t *)(uintptr_t)(uint32_t)(v_ >> 32);                          \
        } else {                                                                           \
            t0 = (tap)[0];                                                                 \
            t1 = (tap)[1];                                                                 \
        }                                                                                  \
    } while (0)

/* Hides k's value from the optimiser: it would otherwise keep one pointer per tap
 * (tap[t] + k) on the stack and load, advance and store each per quad. */
#if defined(__GNUC__)
#define DW_OPAQUE(k) __asm__("" : "+r"(k))
#else
#define DW_OPAQUE(k) ((void)0)
#endif

/* One pair of taps into a0..a3 (quad_sum's locals). */
#define DW_PAIR_STEP()                                                                     \
    do {                                                                                   \
        DW_W2(w, 0, w0, w1);                                                               \
        DW_W2(w, 2, w2, w3);                                                               \
        if (mode == M1) {                                                                  \
            const int8_t *t0, *t1;                                                         \
            DW_TAP2(tap, t0, t1);                                                          \
            const uint32_t x0 = micro_read4(t0 + k), x1 = micro_read4(t1 + k);             \
            const uint32_t lo = micro_pkh_lo(x0, x1), hi = micro_pkh_hi(x0, x1);           \
            a0 = micro_smlad(micro_sxtb16(lo), w0, a0);                                    \
            a1 = micro_smlad(micro_sxtb16_hi(lo), w1, a1);                                 \
            a2 = micro_smlad(micro_sxtb16(hi), w2, a2);                                    \
            a3 = micro_smlad(micro_sxtb16_hi(hi), w3, a3);                                 \
        } else if (mode == M2) {                                                           \
            const uint32_t lo =                                                            \
                micro_pkh_lo(micro_read2(tap[0] + k), micro_read2(tap[1] + k));            \
            const uint32_t even = micro_sxtb16(lo), odd = micro_sxtb16_hi(lo);             \
            a0 = micro_smlad(even, w0, a0);                                                \
            a1 = micro_smlad(even, w1, a1);                                                \
            a2 = micro_smlad(odd, w2, a2);                                                 \
            a3 = micro_smlad(odd, w3, a3);                                                 \
        } else {                                                                           \
            const uint32_t x = micro_pkh_lo((uint32_t)(int32_t)tap[0][k],                  \
                                            (uint32_t)(int32_t)tap[1][k]);                 \
            a0 = micro_smlad(x, w0, a0);                                                   \
            a1 = micro_smlad(x, w1, a1);                                                   \
            a2 = micro_smlad(x, w2, a2);                                                   \
            a3 = micro_smlad(x, w3, a3);                                                   \
        }                                                                                  \
    } while (0)

/* acc += a quad's products over its pairs (and lone tap) of taps, its input at byte k of
 * each tap; w: the quad's words. mode, pairs and lone are constants once inlined. */
static MICRO_ALWAYS_INLINE void quad_sum(int mode, int straight, const int8_t *const *tap,
                                         int32_t k, const uint32_t *w, int32_t pairs,
                                         int32_t lone, int32_t *acc)
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    uint32_t w0, w1, w2, w3;
    /* 3x3 (straight, a constant once inlined): the 4 pairs in a straight line. */
    const int32_t n = straight ? 4 : pairs;
    if (straight) {
#pragma GCC unroll 4
        for (int32_t p = 0; p < 4; ++p, w += 4, tap += 2) {
            DW_PAIR_STEP();
        }
    } else {
        for (int32_t p = 0; p < n; ++p, w += 4, tap += 2) {
            DW_PAIR_STEP();
        }
    }
    if (lone) {
        DW_W2(w, 0, w0, w1);
        DW_W2(w, 2, w2, w3);
        if (mode == M1) {
            const uint32_t x = micro_read4(tap[0] + k);
            const uint32_t even = micro_sxtb16(x), odd = micro_sxtb16_hi(x);
            a0 = micro_smlabb(even, w0, a0);
            a1 = micro_smlabb(odd, w1, a1);
            a2 = micro_smlatb(even, w2, a2);
            a3 = micro_smlatb(odd, w3, a3);
        } else if (mode == M2) {
            const uint32_t x = micro_read2(tap[0] + k);
            const uint32_t even = micro_sxtb16(x), odd = micro_sxtb16_hi(x);
            a0 = micro_smlabb(even, w0, a0);
            a1 = micro_smlabb(even, w1, a1);
            a2 = micro_smlabb(odd, w2, a2);
            a3 = micro_smlabb(odd, w3, a3);
        } else {
            const uint32_t x = (uint32_t)(int32_t)tap[0][k];
            a0 = micro_smlabb(x, w0, a0);
            a1 = micro_smlabb(x, w1, a1);
            a2 = micro_smlabb(x, w2, a2);
            a3 = micro_smlabb(x, w3, a3);
        }
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

#undef DW_W2
#undef DW_TAP2
#undef DW_PAIR_STEP

#include "depthwise_conv_s8_dsp_3x3.h"
#include "depthwise_conv_s8_dsp_cols.h"
#include "depthwise_conv_s8_dsp_s2.h"

/* A run's pixels over its output channels: quads in order, input byte k of the taps.
 * Everything a store could alias is read into locals first. */
static MICRO_ALWAYS_INLINE void run_quads(int mode, int fast, int straight, int32_t pairs,
                                          int32_t lone, const dw_t *d, const run_t *r)
{
    const int32_t per = mode == M4 ? d->mult / 4 : 1; /* quads per input channel */
    const int32_t step = mode == M1 ? 4 : (mode == M2 ? 2 : 1);
    const int32_t pixels = r->pixels, x_step = r->x_step, out_step = r->out_step;
    const int32_t n = r->n, zp = d->zp, zp2 = d->zp2, lo = d->lo, hi = d->hi;
    const int8_t *const *tap = r->tap;
    const uint32_t *const w0 = d->w + (int64_t)(r->o0 / 4) * (pairs + lone) * 4;
    const int32_t *const bias = d->bias + r->o0;
    int32_t(*const rq)[2] = d->rq + (r->o0 - d->rq0);
    const int32_t *const mult = d->multiplier + r->o0, *const shift = d->shift + r->o0;
    int8_t *out = r->out;
    for (int32_t i = 0, x = 0; i < pixels; ++i, x += x_step, out += out_step) {
        const uint32_t *w = w0;
        for (int32_t c = 0, k = x; c < n; k += step) {
            for (int32_t q = 0; q < per; ++q, c += 4, w += (pairs + lone) * 4) {
                int32_t acc[4] = {bias[c], bias[c + 1], bias[c + 2], bias[c + 3]};
                DW_OPAQUE(k);
                if (mode == M1 && straight) {
                    sum_3x3(tap, k, w, acc);
                } else {
                    quad_sum(mode, straight, tap, k, w, pairs, lone, acc);
                }
                if (fast) {
                    out_fast(acc, rq[c], zp2, out + c);
                    continue;
                }
#pragma GCC unroll 4
                for (int j = 0; j < 4; ++j) {
                    out[c + j] = (int8_t)micro_requant_out(
                        acc[j], micro_requant_channel(mult[c + j], shift[c + j]), zp, zp2, lo,
                        hi);
                }
            }
        }
    }
}

#undef DW_OPAQUE

/* The instances: 3x3 unrolled on the fast requantization, any taps, and the general
 * requantization. */
MICRO_NOINLINE static void run_m1_3x3(const dw_t *d, const run_t *r)
{
    run_quads(M1, 1, 1, 4, 1, d, r);
}

MICRO_NOINLINE static void run_m4_3x3(const dw_t *d, const run_t *r)
{
    run_quads(M4, 1, 1, 4, 1, d, r);
}

MICRO_NOINLINE static void run_fast(int mode, const dw_t *d, const run_t *r)
{
    if (mode == M1) {
        run_quads(M1, 1, 0, d->pairs, d->lone, d, r);
    } else if (mode == M2) {
        run_quads(M2, 1, 0, d->pairs, d->lone, d, r);
    } else {
        run_quads(M4, 1, 0, d->pairs, d->lone, d, r);
    }
}

MICRO_NOINLINE static void run_general(int mode, const dw_t *d, const run_t *r)
{
    run_quads(mode, 0, 0, d->pairs, d->lone, d, r);
}

/* Taps [lo, hi) of a window starting at `start` (step `step`) that land in [0, size). */
static void inside(int32_t start, int32_t step, int32_t taps, int32_t size, int32_t *lo,
                   int32_t *hi)
{
    int32_t a = 0, b = taps;
    while (a < b && start + a * step < 0) {
        ++a;
    }
    while (b > a && start + (b - 1) * step >= size) {
        --b;
    }
    *lo = a;
    *hi = b;
}

static int mode_of(int32_t mult)
{
    return mult == 1 ? M1 : (mult == 2 ? M2 : (mult % 4 == 0 ? M4 : -1));
}

int32_t micro_depthwise_conv_s8_dsp_pairs(const micro_depthwise_conv_s8_params_t *p)
{
    const int64_t depth = (int64_t)p->input_depth * p->depth_multiplier;
    return depth % 4 == 0 && mode_of(p->depth_multiplier) >= 0 &&
           p->depth_multiplier <= DW_RQ &&
           (int64_t)p->filter_height * p->filter_width <= DW_TAPS;
}

int32_t micro_depthwise_conv_s8_dsp_cols(const micro_depthwise_conv_s8_params_t *p)
{
    return cols_ok(p) || s2_ok(p);
}

int32_t micro_depthwise_conv_s8_dsp_s2_records(const micro_depthwise_conv_s8_params_t *p)
{
    return s2_ok(p) && s2_records_fit(p) && p->act_min == -128 && p->act_max == 127;
}

/* Output row oy of image over input channels [c0, c0 + cn). */
static void row(const micro_depthwise_conv_s8_params_t *p, const dw_t *d, int fast,
                const int8_t *zp_row, const int8_t *image, int32_t oy, int32_t c0, int32_t cn,
                int8_t *out)
{
    const int32_t width = p->input_width, out_w = p->output_width, channels = p->input_depth;
    const int32_t fh = p->filter_height, fw = p->filter_width, mode = mode_of(d->mult);
    const int32_t iy0 = oy * p->stride_height - p->pad_top;
    const int32_t x_col = p->dilation_width * channels;
    const int32_t x_row = p->dilation_height * width * channels;
    int32_t fy_lo, fy_hi;
    inside(iy0, p->dilation_height, fh, p->input_height, &fy_lo, &fy_hi);
    /* Output columns [ox_a, ox_b) have windows inside the image along x: with whole rows
     * they go as one run, the others one by one. */
    const int32_t span = (fw - 1) * p->dilation_width;
    int32_t ox_a = 0, ox_b = out_w;
    while (ox_a < out_w && ox_a * p->stride_width - p->pad_left < 0) {
        ++ox_a;
    }
    while (ox_b > ox_a && (ox_b - 1) * p->stride_width - p->pad_left + span >= width) {
        --ox_b;
    }
    const int rows_whole = fy_lo == 0 && fy_hi == fh;
    const int unrolled = fast && fh == 3 && fw == 3 && (mode == M1 || mode == M4);
    run_t r;
    r.x_step = p->stride_width * channels;
    r.out_step = d->depth;
    r.o0 = c0 * d->mult;
    r.n = cn * d->mult;
    for (int32_t ox = 0; ox < out_w; ox += r.pixels) {
        const int32_t ix0 = ox * p->stride_width - p->pad_left;
        int32_t fx_lo, fx_hi;
        r.pixels = rows_whole && ox == ox_a && ox_b > ox_a ? ox_b - ox_a : 1;
        inside(ix0, p->dilation_width, fw, width, &fx_lo, &fx_hi);
        const int64_t x = (int64_t)iy0 * width * channels + (int64_t)ix0 * channels + c0;
        for (int32_t fy = 0, t = 0; fy < fh; ++fy) {
            const int y_in = fy >= fy_lo && fy < fy_hi;
            for (int32_t fx = 0; fx < fw; ++fx, ++t) {
                const int in = y_in && fx >= fx_lo && fx < fx_hi;
                r.tap[t] = in ? image + x + fy * x_row + fx * x_col : zp_row;
            }
        }
        r.out = out + (int64_t)ox * d->depth + r.o0;
        if (unrolled && mode == M1) {
            run_m1_3x3(d, &r);
        } else if (unrolled) {
            run_m4_3x3(d, &r);
        } else if (fast) {
            run_fast(mode, d, &r);
        } else {
            run_general(mode, d, &r);
        }
    }
}

/* rq for output channels [o0, o0 + n). */
static void fill_rq(dw_t *d, int32_t o0, int32_t n)
{
    d->rq0 = o0;
    for (int32_t j = 0; j < n; ++j) {
        d->rq[j][0] = (int32_t)((uint32_t)d->multiplier[o0 + j] << 1);
        d->rq[j][1] = ~d->shift[o0 + j];
    }
}

/* The tap-pair loop over every row (its requantization table and zp row on its own stack
 * frame, which the column path does not need). */
MICRO_NOINLINE static void pairs_run(const micro_depthwise_conv_s8_params_t *p, dw_t *d,
                                     int fast, const int8_t *input, int8_t *output)
{
    const int32_t channels = p->input_depth;
    int32_t rq[DW_RQ][2];
    int8_t zp_row[DW_BLOCK];
    d->rq = rq;
    d->rq0 = 0;
    memset(zp_row, p->input_zp, sizeof zp_row);
    /* Input channels per block: the zp row's, and the rq table's output channels. */
    const int32_t block = DW_RQ / d->mult < DW_BLOCK ? DW_RQ / d->mult : DW_BLOCK;
    const int one_rq = d->depth <= DW_RQ;
    if (fast && one_rq) {
        fill_rq(d, 0, d->depth);
    }
    const int64_t image_size = (int64_t)p->input_height * p->input_width * channels;
    const int64_t out_row = (int64_t)p->output_width * d->depth;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + b * image_size;
        int8_t *out = output + (int64_t)b * p->output_height * out_row;
        for (int32_t oy = 0; oy < p->output_height; ++oy, out += out_row) {
            for (int32_t c0 = 0; c0 < channels; c0 += block) {
                const int32_t cn = channels - c0 < block ? channels - c0 : block;
                if (fast && !one_rq) {
                    fill_rq(d, c0 * d->mult, cn * d->mult);
                }
                row(p, d, fast, zp_row, image, oy, c0, cn, out);
            }
        }
    }
}

micro_status_t micro_depthwise_conv_s8_dsp(const micro_depthwise_conv_s8_params_t *p,
                                           const int8_t *input, const int8_t *filter,
                                           const int32_t *bias, const int32_t *multiplier,
                                           const int32_t *shift, int8_t *output)
{
    /* The path (micro_depthwise_conv_s8_dsp_path decides, the host reads the same answer);
     * one this build drops (micro/paths.h) runs the reference kernel. */
    const uint32_t path = micro_depthwise_conv_s8_dsp_path(p, filter, multiplier, shift);
    const int cols = MICRO_PATH_HAS(path, MICRO_PATH_DW_COLS_S1) ||
                     MICRO_PATH_HAS(path, MICRO_PATH_DW_COLS_S2) ||
                     MICRO_PATH_HAS(path, MICRO_PATH_DW_COLS_ANY);
    if (!MICRO_PATH_HAS(path, MICRO_PATH_DW_S2) && !cols &&
        !MICRO_PATH_HAS(path, MICRO_PATH_DW_PAIRS)) {
        return micro_depthwise_conv_s8(p, input, filter, bias, multiplier, shift, output);
    }
    dw_t d;
    d.w = (const uint32_t *)(const void *)filter;
    d.bias = bias;
    d.multiplier = multiplier;
    d.shift = shift;
    d.mult = p->depth_multiplier;
    d.depth = p->input_depth * d.mult;
    d.pairs = p->filter_height * p->filter_width / 2;
    d.lone = p->filter_height * p->filter_width % 2;
    d.zp = p->output_zp;
    d.zp2 = 1 + 2 * p->output_zp;
    d.lo = p->act_min;
    d.hi = p->act_max;
    d.rq = NULL;
    d.rq0 = 0;
    /* The column path's requantization is in its path bit (the stride-2 path needs none). */
    const int fast = MICRO_PATH_HAS(path, MICRO_PATH_DW_PAIRS)
                         ? micro_requant_fast_ok(multiplier, shift, d.depth, d.lo, d.hi)
                         : !MICRO_PATH_HAS(path, MICRO_PATH_DW_COLS_ANY);
    if (MICRO_PATH_HAS(path, MICRO_PATH_DW_S2)) {
        s2_run(p, &d, p->filter_layout == 3 ? (const s2_block_t *)(const void *)filter : NULL,
               input, output);
    } else if (cols) {
        cols_run(p, &d, fast, input, output);
    } else if (MICRO_PATH_HAS(path, MICRO_PATH_DW_PAIRS)) {
        pairs_run(p, &d, fast, input, output);
    }
    return MICRO_OK;
}

uint32_t micro_depthwise_conv_s8_dsp_path(const micro_depthwise_conv_s8_params_t *p,
                                          const int8_t *filter, const int32_t *multiplier,
                                          const int32_t *shift)
{
    const int cols = p->filter_layout == 2 && cols_fit(p);
    const int s2 = p->filter_layout == 2 && s2_fit(p);
    if (((uintptr_t)filter & 3u) != 0) {
        return 0;
    }
    if (p->filter_layout == 3) { /* its requantization checked at load (records_ok) */
        return s2_records_fit(p) ? MICRO_PATH_DW_S2 : 0;
    }
    if (!(cols || s2 || (p->filter_layout == 1 && micro_depthwise_conv_s8_dsp_pairs(p)))) {
        return 0;
    }
    if (s2) { /* on s2_requant_ok's domain: what it reads of the kernel's dw_t */
        dw_t d;
        d.multiplier = multiplier;
        d.shift = shift;
        d.depth = p->input_depth * p->depth_multiplier;
        d.lo = p->act_min;
        d.hi = p->act_max;
        if (s2_requant_ok(&d)) {
            return MICRO_PATH_DW_S2;
        }
    }
    if (cols) { /* pass_rows's variants */
        if (!micro_requant_fast_ok(multiplier, shift, p->input_depth * p->depth_multiplier,
                                   p->act_min, p->act_max)) {
            return MICRO_PATH_DW_COLS_ANY;
        }
        if (p->stride_height != 1) {
            return MICRO_PATH_DW_COLS_S2;
        }
        return MICRO_PATH_DW_COLS_S1 | (map3_fit(p) ? MICRO_PATH_DW_COLS_MAP3 : 0);
    }
    return p->filter_layout == 1 ? MICRO_PATH_DW_PAIRS : 0;
}
