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
    const int32_t iy_last = iy0 + (p->filter_height - 1) * p->dilation_height;
    if (runs && fx_lo == 0 && fx_hi == fw && iy0 >= 0 && iy_last < height &&
        8 * pairs <= PATCH) {
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
