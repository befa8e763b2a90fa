/*
 * CONV_2D's DSP twin on a 1x1 layer the pointwise path (conv_pointwise_dsp.h) cannot read
 * straight from the image: strided (ResNets' 1x1 stride-2 shortcuts) or reading only part
 * of the image, no padding, one group. Internal to conv_s8_dsp.c.
 *
 * Each output pixel reads one input pixel, (oy * SH, ox * SW). Runs of them, output pixels
 * in order, are copied side by side into a buffer (K bytes each, the bytes of the stack's
 * table the layer's constants leave free), which is then a pointwise image: one
 * quads_pointwise call runs its pixel pairs at the pointwise path's speed. The copy costs
 * a few instructions per pixel against K * O multiply-accumulates. Reads come no later and
 * writes no earlier than the reference kernel's, so the overlap rule (conv_s8.c) holds.
 */
#ifndef MICRO_KERNELS_CONV_POINTWISE_STRIDED_DSP_H
#define MICRO_KERNELS_CONV_POINTWISE_STRIDED_DSP_H

#include <stdint.h>
#include <string.h>

#include "conv_pointwise_dsp.h"
#include "dsp.h"
#include "micro/kernels/conv_s8.h"

/* Bytes past a run's last pixel the pair loop may read (G words of a pixel of K bytes:
 * up to 3 past it, against zero weights). */
#define PW_STRIDED_SLACK 4

/* Whether a 1x1 layer (no padding, one group) is the pointwise path's own: stride 1 over
 * the whole image. */
static MICRO_ALWAYS_INLINE int pointwise_dense(const micro_conv_s8_params_t *p)
{
    return p->stride_height == 1 && p->stride_width == 1 &&
           p->input_height == p->output_height && p->input_width == p->output_width;
}

/* Whether pointwise_strided runs a 1x1 layer (no padding, one group) with `room` bytes of
 * buffer: every pixel it reads inside the image, and room for a pair. */
static int pointwise_strided_applies(const micro_conv_s8_params_t *p, int64_t room)
{
    return p->output_height >= 1 && p->output_width >= 1 &&
           (int64_t)(p->output_height - 1) * p->stride_height < p->input_height &&
           (int64_t)(p->output_width - 1) * p->stride_width < p->input_width &&
           room >= 2 * (int64_t)p->input_depth + PW_STRIDED_SLACK;
}

/* The layer on the fast requantization, filter layout 1 or 3: `table` holds its O constants
 * (pw_chan_t), `records` layout 4's (or NULL), `buf` `room` bytes (pointwise_strided_applies),
 * `words` the scratch. */
static MICRO_NOINLINE void pointwise_strided(const micro_conv_s8_params_t *p,
                                             const int8_t *input, const int8_t *filter,
                                             const pw_chan_t *table, const pw_chan_t *records,
                                             uint64_t *words, int8_t *buf, int64_t room,
                                             int8_t *output)
{
    const int32_t depth = p->input_depth, depth_out = p->output_depth;
    const int32_t groups4 = (depth + 3) / 4, ow = p->output_width;
    const int64_t pixels = (int64_t)p->output_height * ow;
    const int64_t line = (int64_t)p->input_width * depth;
    const int64_t row_step = p->stride_height * line, col_step = (int64_t)p->stride_width * depth;
    /* Pixels a run holds: even, so that only the image's last run has a lone pixel. */
    const int64_t run = ((room - PW_STRIDED_SLACK) / depth) & ~(int64_t)1;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + (int64_t)b * p->input_height * line;
        int8_t *out = output + (int64_t)b * pixels * depth_out;
        const int8_t *row = image, *src = image;
        int32_t ox = 0;
        for (int64_t first = 0; first < pixels; first += run) {
            const int64_t n = pixels - first < run ? pixels - first : run;
            int8_t *dst = buf;
            for (int64_t i = 0; i < n; ++i, dst += depth) {
                micro_copy_run(dst, src, depth);
                src += col_step;
                if (++ox == ow) {
                    ox = 0;
                    row += row_step;
                    src = row;
                }
            }
            memset(dst, 0, PW_STRIDED_SLACK); /* read against zero weights only */
            if (n >= 2) {
                const pointwise_t a = {buf, depth, (int32_t)(n / 2), words, filter, groups4,
                                       depth_out / 4, table,
                                       out + first * depth_out, depth_out, p->output_zp, 1,
                                       records};
                quads_pointwise(&a);
            }
            if (n & 1) { /* the image's last pixel, a pair of itself */
                const int8_t *last = buf + (n - 1) * depth;
                micro_copy_run(dst, last, depth);
                memset(dst + depth, 0, PW_STRIDED_SLACK);
                widen_pair(words, last, depth, groups4);
                const pointwise_t one = {NULL, depth, 1, words, filter, groups4,
                                         depth_out / 4, table,
                                         out + (first + n - 1) * depth_out, 0, p->output_zp,
                                         0, records};
                quads_pointwise(&one);
            }
        }
    }
}

#undef PW_STRIDED_SLACK

#endif
