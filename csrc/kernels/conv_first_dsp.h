/*
 * First layers of CONV_2D's DSP twin (internal to conv_s8_dsp.c): a layer of few input
 * channels (1-4: grayscale, RGB, a spectrogram) on filter layout 1 assembles a window for
 * every output pixel: with the per-pixel bookkeeping, about a third of its cycles.
 *
 * On the fast requantization such a layer runs first_image: the pixels go two at a time
 * as elsewhere in the twin, walked incrementally (no division per pixel) with each
 * window's top-left tap tracked, in a function of its own so the walk stays in registers.
 * A window wholly inside the image takes a path chosen once per call by the length of
 * its rows (FW * I bytes): 9 (3x3 RGB: rows9 of conv_patch_dsp.h), 3 (3x3 grayscale) or
 * 4 (one word a row, e.g. 10x4 spectrogram filters), read as words and widened in
 * registers; one that meets a border, or of another row length, goes through gather().
 * The sums are quads_fast's (conv_quads_dsp.h). vww's layer 0 (RGB 3x3, stride 2):
 * 1.40 M -> 1.19 M est. M4 cycles (2.81 -> 2.39 per MAC), 1.08 M (2.18) with each output
 * row's inside pairs as one run. A first layer in filter layout 2 runs conv_first_rows_dsp.h
 * instead (rows widened once, no window assembled: 872 K for vww's layer 0).
 */
#ifndef MICRO_KERNELS_CONV_FIRST_DSP_H
#define MICRO_KERNELS_CONV_FIRST_DSP_H

#include <stddef.h>
#include <stdint.h>

#include "micro/kernels/conv_s8.h"
#include "conv_patch_dsp.h"
#include "conv_quads_dsp.h"
#include "dsp.h"
#include "micro/paths.h"

/* How a window inside the image is assembled. */
enum { FIRST_ANY, FIRST_ROWS9, FIRST_ROWS3, FIRST_WORDS };

/* The walk: the next pixel pair's first pixel and the constants of the geometry. */
typedef struct {
    const micro_conv_s8_params_t *p;
    int32_t kind;
    int32_t pairs;           /* 8-value groups gather() writes */
    int32_t oy, ox;          /* the pixel */
    int32_t iy0, ix0;        /* its window's top-left tap (may lie outside the image) */
    int32_t pixels, at;      /* output pixels of an image, and the pixel's index */
    int32_t iy_span;         /* (FH - 1) * dilation_height: the window's last row - first */
    int64_t line;            /* bytes of an image row */
    int64_t step;            /* bytes from one window row to the next */
} first_walk_t;

/* Whether the first-layer walk applies: one group, no horizontal dilation, 1-4 channels,
 * filters in quads, more than a pointwise window, at most `block` output channels. */
static inline int first_applies(const micro_conv_s8_params_t *p, int32_t block)
{
    return p->groups == 1 && p->dilation_width == 1 && p->filter_depth <= 4 &&
           p->filter_layout == 1 && p->filter_height * p->filter_width > 1 &&
           p->output_depth <= block;
}

/* The walk at an image's first pixel. */
static void first_start(first_walk_t *w, const micro_conv_s8_params_t *p, int32_t pairs)
{
    const int32_t span = p->filter_width * p->filter_depth;
    w->p = p;
    w->pairs = pairs;
    w->kind = FIRST_ANY;
    if (span == 9 && p->filter_height == 3) {
        w->kind = FIRST_ROWS9;
    } else if (span == 3 && p->filter_height == 3) {
        w->kind = FIRST_ROWS3;
    } else if (span == 4) {
        w->kind = FIRST_WORDS;
    }
    w->oy = w->ox = 0;
    w->iy0 = -p->pad_top;
    w->ix0 = -p->pad_left;
    w->pixels = p->output_height * p->output_width;
    w->at = 0;
    w->iy_span = (p->filter_height - 1) * p->dilation_height;
    w->line = (int64_t)p->input_width * p->input_depth;
    w->step = p->dilation_height * w->line;
}

/* Moves the walk one pixel on (along the row, then to the next row's first). */
static inline void first_next(first_walk_t *w)
{
    const micro_conv_s8_params_t *p = w->p;
    ++w->at;
    if (++w->ox < p->output_width) {
        w->ix0 += p->stride_width;
        return;
    }
    w->ox = 0;
    w->ix0 = -p->pad_left;
    ++w->oy;
    w->iy0 += p->stride_height;
}

/* A 3x3 window of one channel as pixel `pix`, 12 values (9 and 3 zeros): per row two
 * bytes by halfword and the third by byte (no read past the window's last byte). */
static MICRO_ALWAYS_INLINE void first_rows3(const int8_t *src, int64_t step, uint64_t *words,
                                            int32_t pix)
{
    const int8_t *r1 = src + step, *r2 = r1 + step;
    const uint32_t a = micro_read2(src) | (uint32_t)(uint8_t)src[2] << 16;
    const uint32_t b = micro_read2(r1) | (uint32_t)(uint8_t)r1[2] << 16;
    const uint32_t c = micro_read2(r2) | (uint32_t)(uint8_t)r2[2] << 16;
    uint64_t *dst = words + pix;
    /* Bytes 0-2 a, 3-5 b, 6-8 c, little-endian. */
    dst[0] = widen4(a | b << 24);
    dst[2] = widen4(b >> 8 | c << 16);
    dst[4] = widen4(c >> 16);
}

/* A window of FH rows of one word each as pixel `pix`, whole groups of 4 values. */
static MICRO_ALWAYS_INLINE void first_words(const int8_t *src, int64_t step, int32_t rows,
                                            uint64_t *words, int32_t pix)
{
    uint64_t *dst = words + pix;
    for (int32_t r = 0; r < rows; ++r, src += step, dst += 2) {
        *dst = widen4(micro_read4(src));
    }
}

/* A window inside the image whose rows start at src, step bytes apart, as pixel `pix` of
 * the scratch's pair, assembled as `kind` says (not FIRST_ANY). */
static MICRO_ALWAYS_INLINE void first_inside(int32_t kind, const int8_t *src, int64_t step,
                                             int32_t rows, uint64_t *words, int32_t pix)
{
    if (kind == FIRST_ROWS9) {
        gather_rows9(src, step, words, pix);
    } else if (kind == FIRST_ROWS3) {
        first_rows3(src, step, words, pix);
    } else {
        first_words(src, step, rows, words, pix);
    }
}

/* The walk's pixel as pixel `pix` of the scratch's pair. */
static MICRO_ALWAYS_INLINE void first_window(const first_walk_t *w, const int8_t *image,
                                             uint64_t *words, int32_t pix)
{
    const micro_conv_s8_params_t *p = w->p;
    const int inside = w->iy0 >= 0 && w->iy0 + w->iy_span < p->input_height && w->ix0 >= 0 &&
                       w->ix0 + p->filter_width <= p->input_width;
    if (inside && w->kind != FIRST_ANY) {
        first_inside(w->kind, image + w->iy0 * w->line + (int64_t)w->ix0 * p->input_depth,
                     w->step, p->filter_height, words, pix);
        return;
    }
    gather(p, image, w->oy, w->ox, 0, words, pix, w->pairs);
}

/* The pixel pair from the walk's pixel on (the second the first again past an image's
 * last pixel) into the scratch, the walk moved past both. */
static void first_pair(first_walk_t *w, const int8_t *image, uint64_t *words)
{
    first_window(w, image, words, 0);
    first_next(w);
    if (w->at < w->pixels) {
        first_window(w, image, words, 1);
        first_next(w);
    } else {
        for (int32_t i = 0; i < 2 * w->pairs; ++i) {
            words[2 * i + 1] = words[2 * i];
        }
    }
}

/* A run of n pixel pairs inside the image along one output row, the first window's rows
 * from src: each pair's windows `next` bytes apart, then its outputs by quads_fast. Few
 * live values, so the loop keeps them in registers (with the walk's, GCC reloaded about
 * 30 of them from the stack per pair). */
static MICRO_ALWAYS_INLINE void first_run(const micro_conv_s8_params_t *p, const int8_t *src,
                                          int32_t n, ptrdiff_t next, ptrdiff_t step,
                                          const int8_t *filter, int32_t groups4,
                                          const chan_t *ch, int32_t zp2, uint64_t *words,
                                          int8_t *out, int32_t kind)
{
    const int32_t depth = p->output_depth, rows = p->filter_height;
    for (; n > 0; --n, src += 2 * next, out += 2 * depth) {
        first_inside(kind, src, step, rows, words, 0);
        first_inside(kind, src + next, step, rows, words, 1);
        quads_fast(words, filter, groups4, depth, ch, zp2, out, out + depth);
    }
}

/* One image on the fast requantization: every pixel pair's windows, then its outputs by
 * quads_fast with the channels' constants ch[0..O); `kind` a constant. The pairs in one
 * output row whose windows all lie inside the image (columns [ox_lo, ox_hi), worked out
 * once) go as one run (first_run) from the row's pointer; any other pair through the
 * walk. Its own function per kind, so that the walk stays in registers (inside the twin's
 * loop GCC kept it on the stack). */
static MICRO_ALWAYS_INLINE void first_image_k(const micro_conv_s8_params_t *p,
                                              const int8_t *image, const int8_t *filter,
                                              const chan_t *ch, int32_t zp2, int32_t pairs,
                                              uint64_t *words, int8_t *out, int32_t kind)
{
    const int32_t depth = p->output_depth, ow = p->output_width, sw = p->stride_width;
    const int32_t groups4 = (p->filter_height * p->filter_width * p->filter_depth + 3) / 4;
    const int32_t right = p->input_width - p->filter_width + p->pad_left;
    const int32_t ox_lo = (p->pad_left + sw - 1) / sw;
    const int32_t ox_hi = right < 0 ? 0 : (right / sw + 1 < ow ? right / sw + 1 : ow);
    const int64_t next = (int64_t)sw * p->input_depth; /* bytes from a window to the next */
    first_walk_t walk;
    first_start(&walk, p, pairs);
    for (int32_t pix = 0; pix < walk.pixels;) {
        const int32_t ox = walk.ox;
        const int32_t run = ox_hi - ox > 1 ? (ox_hi - ox) / 2 : 0;
        if (kind != FIRST_ANY && ox >= ox_lo && run > 0 && walk.iy0 >= 0 &&
            walk.iy0 + walk.iy_span < p->input_height) {
            const int8_t *src = image + walk.iy0 * walk.line + (int64_t)walk.ix0 * p->input_depth;
            first_run(p, src, run, (ptrdiff_t)next, (ptrdiff_t)walk.step, filter, groups4, ch,
                      zp2, words, out, kind);
            pix += 2 * run;
            out += 2 * run * depth;
            walk.at += 2 * run;
            walk.ox += 2 * run;
            walk.ix0 += 2 * run * sw;
            if (walk.ox == ow) {
                walk.ox = 0;
                walk.ix0 = -p->pad_left;
                ++walk.oy;
                walk.iy0 += p->stride_height;
            }
            continue;
        }
        first_pair(&walk, image, words);
        quads_fast(words, filter, groups4, depth, ch, zp2, out,
                   pix + 1 < walk.pixels ? out + depth : out);
        pix += 2;
        out += 2 * depth;
    }
}

#define FIRST_IMAGE(name, kind)                                                              \
    MICRO_NOINLINE static void name(const micro_conv_s8_params_t *p, const int8_t *image,   \
                                    const int8_t *filter, const chan_t *ch, int32_t zp2,    \
                                    int32_t pairs, uint64_t *words, int8_t *out)            \
    {                                                                                        \
        first_image_k(p, image, filter, ch, zp2, pairs, words, out, kind);                  \
    }

FIRST_IMAGE(first_image_any, FIRST_ANY)
FIRST_IMAGE(first_image_rows9, FIRST_ROWS9)
FIRST_IMAGE(first_image_rows3, FIRST_ROWS3)
FIRST_IMAGE(first_image_words, FIRST_WORDS)

#undef FIRST_IMAGE

/* first_image_k for p's kind of window. */
static void first_image(const micro_conv_s8_params_t *p, const int8_t *image,
                        const int8_t *filter, const chan_t *ch, int32_t zp2, int32_t pairs,
                        uint64_t *words, int8_t *out)
{
    first_walk_t walk;
    first_start(&walk, p, pairs);
    /* A kind whose walk a build drops (micro/paths.h) takes the general one: same bytes. */
    void (*run)(const micro_conv_s8_params_t *, const int8_t *, const int8_t *,
                const chan_t *, int32_t, int32_t, uint64_t *, int8_t *) =
        walk.kind == FIRST_ROWS9 && MICRO_PATH_ON(MICRO_PATH_CONV_FIRST_ROWS9)
            ? first_image_rows9
        : walk.kind == FIRST_ROWS3 && MICRO_PATH_ON(MICRO_PATH_CONV_FIRST_ROWS3)
            ? first_image_rows3
        : walk.kind == FIRST_WORDS && MICRO_PATH_ON(MICRO_PATH_CONV_FIRST_WORDS)
            ? first_image_words
            : first_image_any;
    run(p, image, filter, ch, zp2, pairs, words, out);
}

#endif
