/*
 * DEPTHWISE_CONV_2D int8 on 16-bit multiply-accumulates, the twin of
 * micro_depthwise_conv_s8 (depthwise_conv_s8.c, its oracle: same bytes out).
 *
 * Output channels go four at a time (a quad), their accumulators in registers from the
 * bias on. A window tap loads the quad's 4 input bytes (one word when the depth
 * multiplier is 1, else the 4 bytes its channels read), SXTB16 splits them into even and
 * odd channels, and SMLABB/SMLATT add the 4 products against the tap's weights, which a
 * block of up to DW_BLOCK channels has widened to int16 once per call (per row when the
 * channels need several blocks), in the same even/odd order, next to each channel's
 * requantization constants. Loop order: output row, block, then pixel and quad, so a pass
 * never crosses a row (the overlap rule in depthwise_conv_s8.c). With M == 1 a pixel reads
 * its taps through a table of pointers, a tap outside the image pointing at a row of
 * input_zp bytes (its product cancels the zero point folded into the bias), so a border
 * pixel costs what an inner one does; a row's whole windows go as one run, 3x3 unrolled.
 * Other shapes (more than DW_TAPS taps, channels not a multiple of 4, a requantization off
 * the fast path) run pixel_any, or the reference kernel when M > 1.
 */
#include "micro/kernels/depthwise_conv_s8_dsp.h"

#include <stdint.h>
#include <string.h>

#include "dsp.h"

#define DW_BLOCK 64 /* channels widened at a time: 1.7 KB of stack */
#define DW_TAPS 9   /* taps of the widened path (3x3, 1x9, ...) */

/* A block's weights and constants. w[q][t]: quad q's tap t as (c0, c2), (c1, c3) int16
 * lanes, what SXTB16 makes of the tap's 4 input bytes; rq[c]: 2 * multiplier, ~shift. */
typedef struct {
    uint32_t w[DW_BLOCK / 4][DW_TAPS][2];
    int32_t rq[DW_BLOCK][2];
} dw_block_t;

/* What every quad of a call shares. */
typedef struct {
    const int8_t *filter;
    const int32_t *bias, *multiplier, *shift;
    int32_t channels, depth, mult;  /* C, O = C * M, M */
    int32_t quads;                  /* O rounded down to a multiple of 4 */
    int32_t fh, fw, taps;
    int32_t x_col, x_row;           /* input bytes between taps along x and along y */
    int32_t in_zp, zp, zp2, lo, hi;
    int fast;                       /* micro_requant_fast_ok */
} dw_t;

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

/* Widens output channels [o0, o0 + n) (n a multiple of 4) into the block. */
static void widen_block(const dw_t *d, int32_t o0, int32_t n, dw_block_t *blk)
{
    for (int32_t q = 0; q < n / 4; ++q) {
        const int8_t *w = d->filter + o0 + 4 * q;
        for (int32_t t = 0; t < d->taps; ++t, w += d->depth) {
            const uint32_t v = micro_read4(w);
            blk->w[q][t][0] = micro_sxtb16(v);
            blk->w[q][t][1] = micro_sxtb16_hi(v);
        }
    }
    for (int32_t c = 0; c < n; ++c) {
        blk->rq[c][0] = (int32_t)((uint32_t)d->multiplier[o0 + c] << 1);
        blk->rq[c][1] = ~d->shift[o0 + c];
    }
}

/* A quad's 4 input bytes with M > 1: the bytes at x + lane[j]. */
static inline uint32_t quad_bytes(const int8_t *x, const int32_t *lane)
{
    return (uint32_t)(uint8_t)x[0] | (uint32_t)(uint8_t)x[lane[1]] << 8 |
           (uint32_t)(uint8_t)x[lane[2]] << 16 | (uint32_t)(uint8_t)x[lane[3]] << 24;
}

#define MICRO_DW_TAP(xv, wp)                                                               \
    do {                                                                                   \
        const uint32_t x_e = micro_sxtb16(xv), x_o = micro_sxtb16_hi(xv);                   \
        a0 = micro_smlabb(x_e, (wp)[0], a0);                                               \
        a2 = micro_smlatt(x_e, (wp)[0], a2);                                               \
        a1 = micro_smlabb(x_o, (wp)[1], a1);                                               \
        a3 = micro_smlatt(x_o, (wp)[1], a3);                                               \
    } while (0)

#define MICRO_DW_OUT(out)                                                                  \
    do {                                                                                   \
        (out)[0] = (int8_t)micro_requant_fast_out(a0, rq[0][0], rq[0][1], zp2);            \
        (out)[1] = (int8_t)micro_requant_fast_out(a1, rq[1][0], rq[1][1], zp2);            \
        (out)[2] = (int8_t)micro_requant_fast_out(a2, rq[2][0], rq[2][1], zp2);            \
        (out)[3] = (int8_t)micro_requant_fast_out(a3, rq[3][0], rq[3][1], zp2);            \
    } while (0)

/* Where a run of output pixels reads and writes (M == 1): tap[t] points at tap t's bytes
 * for the first pixel and the block's first channel, in the image or in a row of input_zp
 * bytes; the next pixel's taps lie x_step bytes further (0 for a single pixel). */
typedef struct {
    const int8_t *tap[DW_TAPS];
    int32_t taps, pixels, x_step;
    int8_t *out;
    int32_t out_step;
} run_t;

/* A run's pixels over a block's n channels, 9 taps unrolled. */
MICRO_NOINLINE static void run_taps9(const run_t *r, int32_t n, const dw_block_t *blk,
                                     const int32_t *bias, int32_t zp2)
{
    const int8_t *const *tap = r->tap;
    int8_t *out = r->out;
    for (int32_t i = 0, x = 0; i < r->pixels; ++i, x += r->x_step, out += r->out_step) {
        for (int32_t c = 0; c < n; c += 4) {
            const uint32_t(*w)[2] = blk->w[c / 4];
            const int32_t(*rq)[2] = blk->rq + c;
            const int32_t k = x + c;
            int32_t a0 = bias[c], a1 = bias[c + 1], a2 = bias[c + 2], a3 = bias[c + 3];
            MICRO_DW_TAP(micro_read4(tap[0] + k), w[0]);
            MICRO_DW_TAP(micro_read4(tap[1] + k), w[1]);
            MICRO_DW_TAP(micro_read4(tap[2] + k), w[2]);
            MICRO_DW_TAP(micro_read4(tap[3] + k), w[3]);
            MICRO_DW_TAP(micro_read4(tap[4] + k), w[4]);
            MICRO_DW_TAP(micro_read4(tap[5] + k), w[5]);
            MICRO_DW_TAP(micro_read4(tap[6] + k), w[6]);
            MICRO_DW_TAP(micro_read4(tap[7] + k), w[7]);
            MICRO_DW_TAP(micro_read4(tap[8] + k), w[8]);
            MICRO_DW_OUT(out + c);
        }
    }
}

/* The same for any number of taps up to DW_TAPS. */
MICRO_NOINLINE static void run_taps(const run_t *r, int32_t n, const dw_block_t *blk,
                                    const int32_t *bias, int32_t zp2)
{
    int8_t *out = r->out;
    for (int32_t i = 0, x = 0; i < r->pixels; ++i, x += r->x_step, out += r->out_step) {
        for (int32_t c = 0; c < n; c += 4) {
            const uint32_t(*w)[2] = blk->w[c / 4];
            const int32_t(*rq)[2] = blk->rq + c;
            int32_t a0 = bias[c], a1 = bias[c + 1], a2 = bias[c + 2], a3 = bias[c + 3];
            for (int32_t t = 0; t < r->taps; ++t) {
                MICRO_DW_TAP(micro_read4(r->tap[t] + x + c), w[t]);
            }
            MICRO_DW_OUT(out + c);
        }
    }
}

/* Where a window lies: its top-left tap and the taps [fy_lo, fy_hi) x [fx_lo, fx_hi)
 * inside the image. */
typedef struct {
    const int8_t *x;
    int32_t fy_lo, fy_hi, fx_lo, fx_hi;
} window_t;

/* One quad at one output pixel (M > 1), any window of at most DW_TAPS taps; lane as
 * quad_bytes. */
MICRO_NOINLINE static void quad_pixel(const dw_t *d, const window_t *win, const int32_t *lane,
                                      const uint32_t (*w)[2], const int32_t *bias,
                                      const int32_t (*rq)[2], int8_t *out)
{
    const int32_t zp2 = d->zp2;
    const uint32_t zp_pair = ((uint32_t)d->in_zp & 0xFFFFu) * 0x10001u;
    int32_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
    const int8_t *row = win->x;
    for (int32_t fy = 0; fy < d->fh; ++fy, row += d->x_row) {
        const int y_in = fy >= win->fy_lo && fy < win->fy_hi;
        const int8_t *xp = row;
        for (int32_t fx = 0; fx < d->fw; ++fx, xp += d->x_col, ++w) {
            if (y_in && fx >= win->fx_lo && fx < win->fx_hi) {
                const uint32_t xv = quad_bytes(xp, lane);
                MICRO_DW_TAP(xv, *w);
            } else {
                a0 = micro_smlabb(zp_pair, (*w)[0], a0);
                a2 = micro_smlatt(zp_pair, (*w)[0], a2);
                a1 = micro_smlabb(zp_pair, (*w)[1], a1);
                a3 = micro_smlatt(zp_pair, (*w)[1], a3);
            }
        }
    }
    MICRO_DW_OUT(out);
}

#undef MICRO_DW_OUT
#undef MICRO_DW_TAP

/* Output row (batch image, oy) over output channels [o0, o0 + n) of the widened block. */
static void widened_row(const micro_depthwise_conv_s8_params_t *p, const dw_t *d,
                        const dw_block_t *blk, const int8_t *zp_row, const int8_t *image,
                        int32_t oy, int32_t o0, int32_t n, int8_t *out)
{
    const int32_t width = p->input_width, out_w = p->output_width, depth = d->depth;
    const int32_t iy0 = oy * p->stride_height - p->pad_top;
    window_t win;
    inside(iy0, p->dilation_height, d->fh, p->input_height, &win.fy_lo, &win.fy_hi);
    if (d->mult == 1) {
        /* Output columns [ox_a, ox_b) have windows inside the image along x: with whole
         * rows they go as one run, the others one by one. */
        const int32_t span = (d->fw - 1) * p->dilation_width;
        int32_t ox_a = 0, ox_b = out_w;
        while (ox_a < out_w && ox_a * p->stride_width - p->pad_left < 0) {
            ++ox_a;
        }
        while (ox_b > ox_a && (ox_b - 1) * p->stride_width - p->pad_left + span >= width) {
            --ox_b;
        }
        const int rows_whole = win.fy_lo == 0 && win.fy_hi == d->fh;
        run_t r;
        r.taps = d->taps;
        r.x_step = p->stride_width * d->channels;
        r.out_step = depth;
        for (int32_t ox = 0; ox < out_w; ox += r.pixels) {
            const int32_t ix0 = ox * p->stride_width - p->pad_left;
            r.pixels = rows_whole && ox == ox_a && ox_b > ox_a ? ox_b - ox_a : 1;
            inside(ix0, p->dilation_width, d->fw, width, &win.fx_lo, &win.fx_hi);
            const int64_t x = (int64_t)iy0 * width * d->channels +
                              (int64_t)ix0 * d->channels + o0;
            for (int32_t fy = 0, t = 0; fy < d->fh; ++fy) {
                const int y_in = fy >= win.fy_lo && fy < win.fy_hi;
                for (int32_t fx = 0; fx < d->fw; ++fx, ++t) {
                    const int in = y_in && fx >= win.fx_lo && fx < win.fx_hi;
                    r.tap[t] = in ? image + x + fy * d->x_row + fx * d->x_col : zp_row;
                }
            }
            r.out = out + (int64_t)ox * depth + o0;
            if (d->taps == 9) {
                run_taps9(&r, n, blk, d->bias + o0, d->zp2);
            } else {
                run_taps(&r, n, blk, d->bias + o0, d->zp2);
            }
        }
        return;
    }
    for (int32_t q = 0; q < n; q += 4) {
        const int32_t o = o0 + q;
        const int32_t c = o / d->mult;
        int32_t lane[4];
        for (int32_t j = 0; j < 4; ++j) {
            lane[j] = (o + j) / d->mult - c;
        }
        const uint32_t(*w)[2] = blk->w[q / 4];
        const int32_t(*rq)[2] = blk->rq + q;
        for (int32_t ox = 0; ox < out_w; ++ox) {
            const int32_t ix0 = ox * p->stride_width - p->pad_left;
            inside(ix0, p->dilation_width, d->fw, width, &win.fx_lo, &win.fx_hi);
            win.x = image + (int64_t)iy0 * width * d->channels + (int64_t)ix0 * d->channels + c;
            quad_pixel(d, &win, lane, w, d->bias + o, rq, out + (int64_t)ox * depth + o);
        }
    }
}

static int8_t finish(const dw_t *d, int32_t c, int32_t acc)
{
    if (d->fast) {
        return (int8_t)micro_requant_fast_out(acc, (int32_t)((uint32_t)d->multiplier[c] << 1),
                                              ~d->shift[c], d->zp2);
    }
    return (int8_t)micro_requant_out(acc, micro_requant_channel(d->multiplier[c], d->shift[c]),
                                     d->zp, d->zp2, d->lo, d->hi);
}

/* The taps of pixel_any: input even/odd channels as SXTB16 lanes, the filter's 4 bytes. */
#define MICRO_DW_TAP_SPLIT(x_even, x_odd, wv)                                              \
    do {                                                                                   \
        const uint32_t w_even = micro_sxtb16(wv), w_odd = micro_sxtb16_hi(wv);             \
        a0 = micro_smlabb(x_even, w_even, a0);                                             \
        a2 = micro_smlatt(x_even, w_even, a2);                                             \
        a1 = micro_smlabb(x_odd, w_odd, a1);                                               \
        a3 = micro_smlatt(x_odd, w_odd, a3);                                               \
    } while (0)

/* Any output pixel: taps [fy_lo, fy_hi) x [fx_lo, fx_hi) lie inside the image, the others
 * multiply input_zp. x: the window's top-left tap (may lie outside the image). */
MICRO_NOINLINE static void pixel_any(const dw_t *d, const int8_t *x, int32_t fy_lo,
                                     int32_t fy_hi, int32_t fx_lo, int32_t fx_hi, int8_t *out)
{
    const int32_t channels = d->channels, fw = d->fw;
    const uint32_t zp_pair = ((uint32_t)d->in_zp & 0xFFFFu) * 0x10001u;
    for (int32_t c = 0; c < d->quads; c += 4) {
        int32_t a0 = d->bias[c], a1 = d->bias[c + 1], a2 = d->bias[c + 2], a3 = d->bias[c + 3];
        const int8_t *w = d->filter + c;
        const int8_t *row = x + c;
        for (int32_t fy = 0; fy < d->fh; ++fy, row += d->x_row) {
            const int y_in = fy >= fy_lo && fy < fy_hi;
            const int32_t lo = y_in ? fx_lo : fw, hi = y_in ? fx_hi : fw;
            int32_t fx = 0;
            for (; fx < lo; ++fx, w += channels) {
                MICRO_DW_TAP_SPLIT(zp_pair, zp_pair, micro_read4(w));
            }
            for (const int8_t *xp = row + fx * d->x_col; fx < hi; ++fx, xp += d->x_col,
                              w += channels) {
                const uint32_t xv = micro_read4(xp);
                MICRO_DW_TAP_SPLIT(micro_sxtb16(xv), micro_sxtb16_hi(xv), micro_read4(w));
            }
            for (; fx < fw; ++fx, w += channels) {
                MICRO_DW_TAP_SPLIT(zp_pair, zp_pair, micro_read4(w));
            }
        }
        out[c] = finish(d, c, a0);
        out[c + 1] = finish(d, c + 1, a1);
        out[c + 2] = finish(d, c + 2, a2);
        out[c + 3] = finish(d, c + 3, a3);
    }
    for (int32_t c = d->quads; c < channels; ++c) {
        int32_t acc = d->bias[c];
        const int8_t *w = d->filter + c;
        const int8_t *row = x + c;
        for (int32_t fy = 0; fy < d->fh; ++fy, row += d->x_row) {
            const int y_in = fy >= fy_lo && fy < fy_hi;
            for (int32_t fx = 0; fx < d->fw; ++fx, w += channels) {
                const int32_t xv =
                    y_in && fx >= fx_lo && fx < fx_hi ? row[fx * d->x_col] : d->in_zp;
                acc = (int32_t)((uint32_t)acc + (uint32_t)(xv * *w));
            }
        }
        out[c] = finish(d, c, acc);
    }
}

#undef MICRO_DW_TAP_SPLIT

micro_status_t micro_depthwise_conv_s8_dsp(const micro_depthwise_conv_s8_params_t *p,
                                           const int8_t *input, const int8_t *filter,
                                           const int32_t *bias, const int32_t *multiplier,
                                           const int32_t *shift, int8_t *output)
{
    const int32_t height = p->input_height, width = p->input_width, channels = p->input_depth;
    dw_t d;
    d.filter = filter;
    d.bias = bias;
    d.multiplier = multiplier;
    d.shift = shift;
    d.channels = channels;
    d.mult = p->depth_multiplier;
    d.depth = channels * d.mult;
    d.quads = d.depth / 4 * 4;
    d.fh = p->filter_height;
    d.fw = p->filter_width;
    d.taps = d.fh * d.fw;
    d.x_col = p->dilation_width * channels;
    d.x_row = p->dilation_height * width * channels;
    d.in_zp = p->input_zp;
    d.zp = p->output_zp;
    d.zp2 = 1 + 2 * p->output_zp;
    d.lo = p->act_min;
    d.hi = p->act_max;
    d.fast = micro_requant_fast_ok(multiplier, shift, d.depth, d.lo, d.hi);
    const int widened = d.fast && d.quads == d.depth && d.taps <= DW_TAPS;
    if (!widened && d.mult != 1) {
        return micro_depthwise_conv_s8(p, input, filter, bias, multiplier, shift, output);
    }
    const int64_t image_size = (int64_t)height * width * channels;
    const int64_t out_row = (int64_t)p->output_width * d.depth;
    dw_block_t blk;
    int8_t zp_row[DW_BLOCK];
    memset(zp_row, p->input_zp, sizeof zp_row);
    const int one_block = d.depth <= DW_BLOCK;
    if (widened && one_block) {
        widen_block(&d, 0, d.depth, &blk);
    }
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + b * image_size;
        int8_t *out = output + (int64_t)b * p->output_height * out_row;
        for (int32_t oy = 0; oy < p->output_height; ++oy, out += out_row) {
            if (widened) {
                for (int32_t o0 = 0; o0 < d.depth; o0 += DW_BLOCK) {
                    const int32_t n = d.depth - o0 < DW_BLOCK ? d.depth - o0 : DW_BLOCK;
                    if (!one_block) {
                        widen_block(&d, o0, n, &blk);
                    }
                    widened_row(p, &d, &blk, zp_row, image, oy, o0, n, out);
                }
                continue;
            }
            const int32_t iy0 = oy * p->stride_height - p->pad_top;
            int32_t fy_lo, fy_hi;
            inside(iy0, p->dilation_height, d.fh, height, &fy_lo, &fy_hi);
            for (int32_t ox = 0; ox < p->output_width; ++ox) {
                const int32_t ix0 = ox * p->stride_width - p->pad_left;
                int32_t fx_lo, fx_hi;
                inside(ix0, p->dilation_width, d.fw, width, &fx_lo, &fx_hi);
                const int8_t *x = image + ((int64_t)iy0 * width + ix0) * channels;
                pixel_any(&d, x, fy_lo, fy_hi, fx_lo, fx_hi, out + (int64_t)ox * d.depth);
            }
        }
    }
    return MICRO_OK;
}
