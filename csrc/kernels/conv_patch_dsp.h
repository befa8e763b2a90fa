/*
 * The patches of CONV_2D's DSP twin (internal to conv_s8_dsp.c): an output pixel's window
 * assembled (input_zp where it leaves the image, zero past K) and widened to int16 into
 * its slot of the scratch's pixel pair, in the layout the twin's dot loops read (see
 * conv_s8_dsp.c: per 4 values, a 64-bit word of pairs (4j, 4j + 2), (4j + 1, 4j + 3)).
 */
#ifndef MICRO_KERNELS_CONV_PATCH_DSP_H
#define MICRO_KERNELS_CONV_PATCH_DSP_H

#include <stdint.h>

#include "micro/kernels/conv_s8.h"
#include "dsp.h"

static inline uint64_t widen4(uint32_t v)
{
    return (uint64_t)micro_sxtb16(v) | (uint64_t)micro_sxtb16_hi(v) << 32;
}

/* Widens n int8 (a multiple of 4) at src into a pixel's words from dst on: 16 values a
 * turn (4 loads in one pipelined run, a third fewer cycles than a turn per 4 values). */
static inline void widen_run(uint64_t *dst, const int8_t *src, int32_t n)
{
    for (; n >= 16; n -= 16, src += 16, dst += 8) {
        const uint32_t a = micro_read4(src), b = micro_read4(src + 4);
        const uint32_t c = micro_read4(src + 8), d = micro_read4(src + 12);
        dst[0] = widen4(a);
        dst[2] = widen4(b);
        dst[4] = widen4(c);
        dst[6] = widen4(d);
    }
    for (const int8_t *end = src + n; src != end; src += 4, dst += 2) {
        *dst = widen4(micro_read4(src));
    }
}

/* A patch assembled as int8 in a small buffer, widened into the scratch every time the
 * buffer fills (whole blocks of 4; the leftover bytes move to the front). */
#define STAGE 128

typedef struct {
    int8_t bytes[STAGE];
    int32_t n;
    uint64_t *dst;
} stage_t;

static void stage_flush(stage_t *st)
{
    const int32_t whole = st->n & ~3;
    widen_run(st->dst, st->bytes, whole);
    st->dst += whole / 2;
    for (int32_t i = whole; i < st->n; ++i) {
        st->bytes[i - whole] = st->bytes[i];
    }
    st->n -= whole;
}

static void stage_copy(stage_t *st, const int8_t *src, int32_t n)
{
    while (n > 0) {
        int32_t m = STAGE - st->n;
        m = m < n ? m : n;
        micro_copy_run(st->bytes + st->n, src, m);
        src += m;
        n -= m;
        st->n += m;
        if (st->n == STAGE) {
            stage_flush(st);
        }
    }
}

static void stage_set(stage_t *st, int32_t value, int32_t n)
{
    while (n > 0) {
        int32_t m = STAGE - st->n;
        m = m < n ? m : n;
        micro_fill_run(st->bytes + st->n, value, m);
        n -= m;
        st->n += m;
        if (st->n == STAGE) {
            stage_flush(st);
        }
    }
}

/* Bytes of the patches assembled as int8 before they are widened (the stack). */
#define PATCH 640

/* The patch whose window's top-left tap is (iy0, ix0) (taps [fx_lo, fx_hi) of a row inside
 * the image when the rows are runs), `base` the group's first channel, assembled as n int8
 * (input_zp outside the image, zero past K) and widened into `dst`'s pixel words. */
static void gather_patch(const micro_conv_s8_params_t *p, const int8_t *base, int32_t iy0,
                         int32_t ix0, int32_t fx_lo, int32_t fx_hi, uint64_t *dst, int32_t n)
{
    uint32_t aligned[PATCH / 4];
    int8_t *const patch = (int8_t *)aligned;
    int8_t *to = patch;
    const int32_t channels = p->input_depth, depth = p->filter_depth, fw = p->filter_width;
    const int32_t zp = p->input_zp, span = fw * depth;
    const int runs = p->dilation_width == 1 && p->groups == 1;
    const int64_t line_size = (int64_t)p->input_width * channels;
    for (int32_t fy = 0; fy < p->filter_height; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_height;
        if (iy < 0 || iy >= p->input_height) {
            micro_fill_run(to, zp, span);
            to += span;
            continue;
        }
        const int8_t *line = base + (int64_t)iy * line_size;
        if (runs) {
            const int32_t inside = (fx_hi - fx_lo) * depth;
            micro_fill_run(to, zp, fx_lo * depth);
            micro_copy_run(to + fx_lo * depth, line + (int64_t)(ix0 + fx_lo) * channels, inside);
            micro_fill_run(to + fx_hi * depth, zp, (fw - fx_hi) * depth);
            to += span;
            continue;
        }
        for (int32_t fx = 0; fx < fw; ++fx, to += depth) {
            const int32_t ix = ix0 + fx * p->dilation_width;
            if (ix < 0 || ix >= p->input_width) {
                micro_fill_run(to, zp, depth);
            } else {
                micro_copy_run(to, line + (int64_t)ix * channels, depth);
            }
        }
    }
    micro_fill_run(to, 0, n - (int32_t)(to - patch));
    widen_run(dst, patch, n);
}

/* A window of 3 rows of 9 bytes inside the image (3x3 taps of an RGB image, the usual
 * first layer) as pixel `pix`, 32 values (27 and 5 zeros): the rows' bytes shifted into 8
 * words in registers (byte-run copies into a buffer took 3 times the cycles on the M4). */
static MICRO_ALWAYS_INLINE void gather_rows9(const int8_t *src, int64_t step, uint64_t *words,
                                             int32_t pix)
{
    const int8_t *r1 = src + step, *r2 = r1 + step;
    const uint32_t a = micro_read4(src), b = micro_read4(src + 4);
    const uint32_t c = micro_read4(r1), d = micro_read4(r1 + 4);
    const uint32_t e = micro_read4(r2), f = micro_read4(r2 + 4);
    const uint32_t x = (uint8_t)src[8], y = (uint8_t)r1[8], z = (uint8_t)r2[8];
    uint64_t *dst = words + pix;
    /* Bytes 0-8 a b x, 9-17 c d y, 18-26 e f z, little-endian. */
    dst[0] = widen4(a);
    dst[2] = widen4(b);
    dst[4] = widen4(x | c << 8);
    dst[6] = widen4(c >> 24 | d << 8);
    dst[8] = widen4(d >> 24 | y << 8 | e << 16);
    dst[10] = widen4(e >> 16 | f << 16);
    dst[12] = widen4(f >> 16 | z << 16);
    dst[14] = 0;
}

/* Pixels pix and pix1 as the scratch's pair when both windows are 3 rows of 9 bytes
 * inside the image (rows9: p's filter_height 3, filter_width * filter_depth 9, one group,
 * no horizontal dilation), without gather's general set-up; 0, nothing written, if not. */
static MICRO_ALWAYS_INLINE int rows9_pair(const micro_conv_s8_params_t *p, const int8_t *image,
                                          int32_t pix, int32_t pix1, uint64_t *words)
{
    const int8_t *src[2];
    const int32_t at[2] = {pix, pix1};
    const int32_t width = p->input_width;
    for (int32_t i = 0; i < 2; ++i) {
        const int32_t oy = at[i] / p->output_width, ox = at[i] - oy * p->output_width;
        const int32_t iy0 = oy * p->stride_height - p->pad_top;
        const int32_t ix0 = ox * p->stride_width - p->pad_left;
        if (iy0 < 0 || iy0 + 2 * p->dilation_height >= p->input_height || ix0 < 0 ||
            ix0 + p->filter_width > width) {
            return 0;
        }
        src[i] = image + ((int64_t)iy0 * width + ix0) * p->input_depth;
    }
    const int64_t step = (int64_t)p->dilation_height * width * p->input_depth;
    gather_rows9(src[0], step, words, 0);
    gather_rows9(src[1], step, words, 1);
    return 1;
}

/* The patch of output pixel (oy, ox), group g, as pixel `pix` of the scratch, 8 * pairs
 * values (zero past K). With one group and no horizontal dilation a window row is one run
 * of the image row (input_zp on the columns outside it); otherwise each tap's I channels
 * are a run. */
static void gather(const micro_conv_s8_params_t *p, const int8_t *image, int32_t oy,
                   int32_t ox, int32_t g, uint64_t *words, int32_t pix, int32_t pairs)
{
    const int32_t height = p->input_height, width = p->input_width, channels = p->input_depth;
    const int32_t depth = p->filter_depth, fw = p->filter_width, zp = p->input_zp;
    const int32_t iy0 = oy * p->stride_height - p->pad_top;
    const int32_t ix0 = ox * p->stride_width - p->pad_left;
    const int8_t *base = image + (int64_t)g * depth;
    const int32_t span = fw * depth;
    const int runs = p->dilation_width == 1 && p->groups == 1;
    /* With runs, taps [fx_lo, fx_hi) of a window row lie inside the image. */
    const int32_t fx_lo = ix0 < 0 ? (-ix0 < fw ? -ix0 : fw) : 0;
    const int32_t fx_hi = width - ix0 < fw ? (width - ix0 > fx_lo ? width - ix0 : fx_lo) : fw;
    const int64_t line_size = (int64_t)width * channels;
    const int32_t iy_last = iy0 + (p->filter_height - 1) * p->dilation_height;
    const int inside = runs && fx_lo == 0 && fx_hi == fw && iy0 >= 0 && iy_last < height;
    if (inside && span == 9 && p->filter_height == 3) {
        gather_rows9(base + (int64_t)iy0 * line_size + (int64_t)ix0 * channels,
                     p->dilation_height * line_size, words, pix);
        return;
    }
    if (runs && fx_lo == 0 && fx_hi == fw && (span & 7) == 0) {
        /* The common case: whole window rows of whole 8-value pairs, widened directly. */
        const int8_t *src = base + (int64_t)iy0 * line_size + (int64_t)ix0 * channels;
        const int64_t src_step = p->dilation_height * line_size;
        const uint64_t quad = ((uint64_t)zp & 0xFFFFu) * UINT64_C(0x0001000100010001);
        uint64_t *dst = words + pix;
        const int32_t dst_step = span / 2; /* 64-bit words a row takes, both pixels */
        int32_t iy = iy0;
        for (int32_t fy = 0; fy < p->filter_height;
             ++fy, src += src_step, dst += dst_step, iy += p->dilation_height) {
            if (iy >= 0 && iy < height) {
                widen_run(dst, src, span);
            } else {
                for (int32_t i = 0; i < dst_step; i += 2) {
                    dst[i] = quad;
                }
            }
        }
        return;
    }
    if (inside && 8 * pairs <= PATCH) {
        /* A window inside the image of short rows (a few channels): its rows copied
         * back to back, then widened. */
        uint32_t aligned[PATCH / 4];
        int8_t *to = (int8_t *)aligned;
        const int8_t *src = base + (int64_t)iy0 * line_size + (int64_t)ix0 * channels;
        const int64_t src_step = p->dilation_height * line_size;
        for (int32_t fy = 0; fy < p->filter_height; ++fy, to += span, src += src_step) {
            micro_copy_run(to, src, span);
        }
        micro_fill_run(to, 0, 8 * pairs - p->filter_height * span);
        widen_run(words + pix, (const int8_t *)aligned, 8 * pairs);
        return;
    }
    if (8 * pairs <= PATCH) {
        gather_patch(p, base, iy0, ix0, fx_lo, fx_hi, words + pix, 8 * pairs);
        return;
    }
    stage_t st;
    st.n = 0;
    st.dst = words + pix;
    for (int32_t fy = 0; fy < p->filter_height; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_height;
        if (iy < 0 || iy >= height) {
            stage_set(&st, zp, span);
            continue;
        }
        const int8_t *line = base + (int64_t)iy * line_size;
        if (runs) {
            stage_set(&st, zp, fx_lo * depth);
            if (fx_hi > fx_lo) {
                stage_copy(&st, line + (int64_t)(ix0 + fx_lo) * channels,
                           (fx_hi - fx_lo) * depth);
            }
            stage_set(&st, zp, (fw - fx_hi) * depth);
            continue;
        }
        for (int32_t fx = 0; fx < fw; ++fx) {
            const int32_t ix = ix0 + fx * p->dilation_width;
            if (ix < 0 || ix >= width) {
                stage_set(&st, zp, depth);
            } else {
                stage_copy(&st, line + (int64_t)ix * channels, depth);
            }
        }
    }
    stage_set(&st, 0, 8 * pairs - p->filter_height * span);
    stage_flush(&st);
}

#endif
