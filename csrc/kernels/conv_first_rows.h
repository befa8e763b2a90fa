/*
 * CONV_2D's filter layout 2, first-layer rows (internal; conv_s8.h describes the layout):
 * the geometry both the reference kernel (weights, scratch size) and the DSP twin's
 * first-layer row loop (conv_first_rows_dsp.h) derive from the params.
 *
 * The twin widens each input row once to int16 into a slot of the scratch, columns from
 * -pad_left on from value `origin`, input_zp in the padding (FH slots, input row iy in
 * slot iy mod FH: the rows of one output row's windows are FH consecutive rows). A window
 * row of output column ox starts at value e = origin + ox * SW * I of its slot, and is read as `words` int16
 * pairs from the word holding e: copy 0 of the weights for an even e, copy 1 (shifted by
 * one value) for an odd one. With SW * I even every window is even; with it odd the
 * pixels of a pair are two columns apart (same parity).
 */
#ifndef MICRO_KERNELS_CONV_FIRST_ROWS_H
#define MICRO_KERNELS_CONV_FIRST_ROWS_H

#include <stdint.h>

#include "micro/kernels/conv_s8.h"

/* The largest window height and row (FW * I values) layout 2 takes. */
#define MICRO_FIRST_ROWS_MAX_HEIGHT 16
#define MICRO_FIRST_ROWS_MAX_SPAN 64

typedef struct {
    int32_t copies; /* weight copies: 1 if SW * I is even, else 2 */
    int32_t words;  /* int16 pairs per window row: (FW * I + copies) / 2 */
    int32_t delta;  /* values between a pair's windows: SW * I * copies */
    int32_t origin; /* the slot's value of column -pad_left: with 2 copies 0 or 1, so that
                       column 0 starts at a word (the widening stores whole words) */
    int32_t slot;   /* int16 values per slot, even: every window read, a pair's second
                       pixel past the row's end included */
} micro_first_rows_t;

/* Whether layout 2 describes p: one group, no dilation, 1-4 input channels, filters in
 * quads, a window of more than one tap at most MICRO_FIRST_ROWS_MAX_HEIGHT rows of at
 * most MICRO_FIRST_ROWS_MAX_SPAN values. */
static inline int micro_first_rows_fit(const micro_conv_s8_params_t *p)
{
    return p->groups == 1 && p->dilation_height == 1 && p->dilation_width == 1 &&
           p->input_depth >= 1 && p->input_depth <= 4 && p->filter_depth == p->input_depth &&
           p->output_depth % 4 == 0 && p->filter_height * p->filter_width > 1 &&
           p->filter_height <= MICRO_FIRST_ROWS_MAX_HEIGHT &&
           p->filter_width * p->filter_depth <= MICRO_FIRST_ROWS_MAX_SPAN &&
           p->stride_width <= 64 && p->output_width <= (1 << 20);
}

/* The shapes the DSP twin's row loop has in asm (FH rows of `words` words, pixels `delta`
 * values apart): 1 for RGB 3x3 at stride 1 or 2, 2 for grayscale 3x3 at stride 1 or 2,
 * 3 for 10x4 of one channel at stride 2; else 0 (its C loop). */
static inline int micro_first_rows_shape(int32_t fh, int32_t words, int32_t delta)
{
    return fh == 3 && words == 5 && delta == 6    ? 1
           : fh == 3 && words == 2 && delta == 2  ? 2
           : fh == 10 && words == 2 && delta == 2 ? 3
                                                  : 0;
}

/* The geometry of p (micro_first_rows_fit(p) holds). */
static inline micro_first_rows_t micro_first_rows(const micro_conv_s8_params_t *p)
{
    micro_first_rows_t g;
    const int32_t step = p->stride_width * p->input_depth; /* values from a column to the next */
    g.copies = step % 2 ? 2 : 1;
    g.words = (p->filter_width * p->filter_depth + g.copies) / 2;
    g.delta = step * g.copies;
    g.origin = g.copies == 2 ? (p->pad_left * p->input_depth) & 1 : 0;
    const int64_t slot =
        g.origin + (int64_t)(p->output_width - 1 + g.copies) * step + 2 * g.words;
    g.slot = (int32_t)((slot + 1) & ~INT64_C(1));
    return g;
}

/* Bytes of layout 2's weights: per copy, quad, window row and word, 4 words. */
static inline int64_t micro_first_rows_filter_bytes(const micro_conv_s8_params_t *p)
{
    const micro_first_rows_t g = micro_first_rows(p);
    return (int64_t)p->output_depth * g.copies * p->filter_height * g.words * 4;
}

/* Bytes of the twin's slots. */
static inline int64_t micro_first_rows_scratch(const micro_conv_s8_params_t *p)
{
    return (int64_t)p->filter_height * micro_first_rows(p).slot * 2;
}

/* Filter o's weight at window row fy, row value t (0 <= t < FW * I), from copy 0. */
static inline int32_t micro_first_rows_weight(const micro_conv_s8_params_t *p,
                                              const int8_t *filter, int32_t o, int32_t fy,
                                              int32_t t)
{
    const micro_first_rows_t g = micro_first_rows(p);
    const int64_t word = (((int64_t)(o / 4) * p->filter_height + fy) * g.words + t / 2) * 4 + o % 4;
    const uint8_t *w = (const uint8_t *)filter + word * 4 + 2 * (t & 1);
    return (int16_t)(uint16_t)(w[0] | w[1] << 8);
}

#endif
