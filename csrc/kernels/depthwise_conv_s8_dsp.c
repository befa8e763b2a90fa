/*
 * DEPTHWISE_CONV_2D int8 on 16-bit multiply-accumulates, the twin of
 * micro_depthwise_conv_s8 (depthwise_conv_s8.c, its oracle: same bytes out). A depth
 * multiplier above 1 runs the oracle itself.
 *
 * Each output pixel's channels go four at a time, their accumulators in registers from
 * the bias on: a window tap loads 4 input and 4 filter bytes, SXTB16 splits each into its
 * even and odd channels, and SMLABB/SMLATT add the 4 products. A tap outside the image
 * multiplies input_zp, which cancels the zero point folded into the bias. The C % 4 last
 * channels go one at a time.
 */
#include "micro/kernels/depthwise_conv_s8_dsp.h"

#include <stdint.h>
#include <string.h>

#include "dsp.h"

/* What every output pixel shares. */
typedef struct {
    const int8_t *filter;
    const int32_t *bias, *multiplier, *shift;
    int32_t channels, quads;        /* C, and C rounded down to a multiple of 4 */
    int32_t fh, fw;
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

#define MICRO_DW_TAP(x_even, x_odd, wv)                                                    \
    do {                                                                                   \
        const uint32_t w_even = micro_sxtb16(wv), w_odd = micro_sxtb16_hi(wv);             \
        a0 = micro_smlabb(x_even, w_even, a0);                                             \
        a2 = micro_smlatt(x_even, w_even, a2);                                             \
        a1 = micro_smlabb(x_odd, w_odd, a1);                                               \
        a3 = micro_smlatt(x_odd, w_odd, a3);                                               \
    } while (0)

/* Requantizes channels c..c+3 (fast path) into out[c..c+3]. */
static inline void finish4_fast(const dw_t *d, int32_t c, int32_t a0, int32_t a1, int32_t a2,
                                int32_t a3, int8_t *out)
{
    const int32_t *m = d->multiplier + c, *sh = d->shift + c;
    const int32_t zp2 = d->zp2;
    out[c] = (int8_t)micro_requant_fast_out(a0, (int32_t)((uint32_t)m[0] << 1), ~sh[0], zp2);
    out[c + 1] = (int8_t)micro_requant_fast_out(a1, (int32_t)((uint32_t)m[1] << 1), ~sh[1], zp2);
    out[c + 2] = (int8_t)micro_requant_fast_out(a2, (int32_t)((uint32_t)m[2] << 1), ~sh[2], zp2);
    out[c + 3] = (int8_t)micro_requant_fast_out(a3, (int32_t)((uint32_t)m[3] << 1), ~sh[3], zp2);
}

/* One output pixel whose window lies inside the image (x: its top-left tap), fast
 * requantization. */
MICRO_NOINLINE static void pixel_whole_fast(const dw_t *d, const int8_t *x, int8_t *out)
{
    const int32_t fh = d->fh, fw = d->fw, x_col = d->x_col, x_row = d->x_row;
    const int32_t channels = d->channels;
    for (int32_t c = 0; c < d->quads; c += 4) {
        int32_t a0 = d->bias[c], a1 = d->bias[c + 1], a2 = d->bias[c + 2], a3 = d->bias[c + 3];
        const int8_t *w = d->filter + c;
        const int8_t *row = x + c;
        for (int32_t fy = 0; fy < fh; ++fy, row += x_row) {
            const int8_t *xp = row;
            for (int32_t fx = 0; fx < fw; ++fx, xp += x_col, w += channels) {
                const uint32_t xv = micro_read4(xp);
                MICRO_DW_TAP(micro_sxtb16(xv), micro_sxtb16_hi(xv), micro_read4(w));
            }
        }
        finish4_fast(d, c, a0, a1, a2, a3, out);
    }
}

/* The same for a window 3 taps wide (the common 3x3), each row's taps unrolled, over
 * channels [c0, c1) (multiples of 4): x is channel c0's top-left tap, taps lie x_col
 * bytes apart along x and x_row along y. */
MICRO_NOINLINE static void pixel_whole_fast3(const dw_t *d, const int8_t *x, int32_t x_col,
                                             int32_t x_row, int32_t c0, int32_t c1, int8_t *out)
{
    const int32_t fh = d->fh;
    const int32_t channels = d->channels;
    for (int32_t c = c0; c < c1; c += 4, x += 4) {
        int32_t a0 = d->bias[c], a1 = d->bias[c + 1], a2 = d->bias[c + 2], a3 = d->bias[c + 3];
        const int8_t *w = d->filter + c;
        const int8_t *row = x;
        for (int32_t fy = 0; fy < fh; ++fy, row += x_row, w += 3 * channels) {
            uint32_t xv = micro_read4(row);
            MICRO_DW_TAP(micro_sxtb16(xv), micro_sxtb16_hi(xv), micro_read4(w));
            xv = micro_read4(row + x_col);
            MICRO_DW_TAP(micro_sxtb16(xv), micro_sxtb16_hi(xv), micro_read4(w + channels));
            xv = micro_read4(row + 2 * x_col);
            MICRO_DW_TAP(micro_sxtb16(xv), micro_sxtb16_hi(xv), micro_read4(w + 2 * channels));
        }
        finish4_fast(d, c, a0, a1, a2, a3, out);
    }
}

/* Channels a 3x3 border window is copied for at a time (the copy lives on the stack). */
#define MICRO_DW_BORDER_CHANNELS 64

/* A 3x3 output pixel whose window crosses the image's edge: the window, input_zp where it
 * lies outside, is copied MICRO_DW_BORDER_CHANNELS channels at a time, then runs the
 * inside path, which costs far less per tap than pixel_any. x as in pixel_any. */
MICRO_NOINLINE static void pixel_border_fast3(const dw_t *d, const int8_t *x, int32_t fy_lo,
                                              int32_t fy_hi, int32_t fx_lo, int32_t fx_hi,
                                              int8_t *out)
{
    enum { N = MICRO_DW_BORDER_CHANNELS };
    int8_t window[9 * N];
    for (int32_t c = 0; c < d->channels; c += N) {
        const int32_t n = d->channels - c < N ? d->channels - c : N;
        for (int32_t fy = 0; fy < 3; ++fy) {
            for (int32_t fx = 0; fx < 3; ++fx) {
                int8_t *tap = window + (fy * 3 + fx) * N;
                if (fy >= fy_lo && fy < fy_hi && fx >= fx_lo && fx < fx_hi) {
                    memcpy(tap, x + fy * d->x_row + fx * d->x_col + c, (size_t)n);
                } else {
                    memset(tap, d->in_zp, (size_t)n);
                }
            }
        }
        pixel_whole_fast3(d, window, N, 3 * N, c, c + n, out);
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
                MICRO_DW_TAP(zp_pair, zp_pair, micro_read4(w));
            }
            for (const int8_t *xp = row + fx * d->x_col; fx < hi; ++fx, xp += d->x_col,
                              w += channels) {
                const uint32_t xv = micro_read4(xp);
                MICRO_DW_TAP(micro_sxtb16(xv), micro_sxtb16_hi(xv), micro_read4(w));
            }
            for (; fx < fw; ++fx, w += channels) {
                MICRO_DW_TAP(zp_pair, zp_pair, micro_read4(w));
            }
        }
        if (d->fast) {
            finish4_fast(d, c, a0, a1, a2, a3, out);
        } else {
            out[c] = finish(d, c, a0);
            out[c + 1] = finish(d, c + 1, a1);
            out[c + 2] = finish(d, c + 2, a2);
            out[c + 3] = finish(d, c + 3, a3);
        }
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

#undef MICRO_DW_TAP

micro_status_t micro_depthwise_conv_s8_dsp(const micro_depthwise_conv_s8_params_t *p,
                                           const int8_t *input, const int8_t *filter,
                                           const int32_t *bias, const int32_t *multiplier,
                                           const int32_t *shift, int8_t *output)
{
    if (p->depth_multiplier != 1) {
        return micro_depthwise_conv_s8(p, input, filter, bias, multiplier, shift, output);
    }
    const int32_t height = p->input_height, width = p->input_width, channels = p->input_depth;
    dw_t d;
    d.filter = filter;
    d.bias = bias;
    d.multiplier = multiplier;
    d.shift = shift;
    d.channels = channels;
    d.quads = channels / 4 * 4;
    d.fh = p->filter_height;
    d.fw = p->filter_width;
    d.x_col = p->dilation_width * channels;
    d.x_row = p->dilation_height * width * channels;
    d.in_zp = p->input_zp;
    d.zp = p->output_zp;
    d.zp2 = 1 + 2 * p->output_zp;
    d.lo = p->act_min;
    d.hi = p->act_max;
    d.fast = micro_requant_fast_ok(multiplier, shift, channels, d.lo, d.hi);
    const int whole_fast = d.fast && d.quads == channels;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + (int64_t)b * height * width * channels;
        int8_t *out = output + (int64_t)b * p->output_height * p->output_width * channels;
        for (int32_t oy = 0; oy < p->output_height; ++oy) {
            const int32_t iy0 = oy * p->stride_height - p->pad_top;
            int32_t fy_lo, fy_hi;
            inside(iy0, p->dilation_height, d.fh, height, &fy_lo, &fy_hi);
            for (int32_t ox = 0; ox < p->output_width; ++ox, out += channels) {
                const int32_t ix0 = ox * p->stride_width - p->pad_left;
                int32_t fx_lo, fx_hi;
                inside(ix0, p->dilation_width, d.fw, width, &fx_lo, &fx_hi);
                const int8_t *x = image + ((int64_t)iy0 * width + ix0) * channels;
                const int whole = fy_lo == 0 && fy_hi == d.fh && fx_lo == 0 && fx_hi == d.fw;
                if (whole_fast && whole && d.fw == 3) {
                    pixel_whole_fast3(&d, x, d.x_col, d.x_row, 0, channels, out);
                } else if (whole_fast && whole) {
                    pixel_whole_fast(&d, x, out);
                } else if (whole_fast && d.fh == 3 && d.fw == 3) {
                    pixel_border_fast3(&d, x, fy_lo, fy_hi, fx_lo, fx_hi, out);
                } else {
                    pixel_any(&d, x, fy_lo, fy_hi, fx_lo, fx_hi, out);
                }
            }
        }
    }
    return MICRO_OK;
}
