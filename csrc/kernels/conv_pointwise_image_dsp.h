/*
 * CONV_2D's DSP twin on a whole pointwise image (1x1, stride 1, no padding, one group, the
 * input's size; internal to conv_s8_dsp.c, included after its tables' fills): the pixel
 * pairs through quads_pointwise (conv_pointwise_dsp.h), K = 8's runs (conv_pointwise8_dsp.h),
 * and filter layout 4's records (conv_s8.h) for the loops that requantize by them.
 */
#ifndef MICRO_KERNELS_CONV_POINTWISE_IMAGE_DSP_H
#define MICRO_KERNELS_CONV_POINTWISE_IMAGE_DSP_H

#include <stdint.h>
#include <string.h>

#include "conv_pointwise8_dsp.h"
#include "conv_pointwise_dsp.h"
#include "dsp.h"
#include "micro/kernels/conv_s8.h"
#include "micro/paths.h"

/* Pixels px0 and px1 (K bytes each) as the scratch's pair, zero past K (widen_pair reads
 * whole words). */
static void widen_exact(uint64_t *words, const int8_t *px0, const int8_t *px1, int32_t depth)
{
    const int32_t whole = depth & ~3;
    widen_run(words, px0, whole);
    widen_run(words + 1, px1, whole);
    if (whole < depth) {
        uint32_t v[2] = {0, 0};
        memcpy(&v[0], px0 + whole, (size_t)(depth - whole));
        memcpy(&v[1], px1 + whole, (size_t)(depth - whole));
        words[whole / 2] = widen4(v[0]);
        words[whole / 2 + 1] = widen4(v[1]);
    }
}

/* Filter layout 4's records (conv_s8.h: after the quads, 4-aligned as the filter, checked
 * at load), else NULL. */
static const pw_chan_t *floor_records(const micro_conv_s8_params_t *p, const int8_t *filter)
{
    if (p->filter_layout != 4) {
        return NULL;
    }
    const int64_t groups4 = ((int64_t)p->filter_height * p->filter_width * p->filter_depth + 3) / 4;
    return (const pw_chan_t *)(const void *)(filter + (int64_t)p->output_depth * 8 * groups4);
}

/* A 1x1 convolution (stride 1, no padding, one group, the input's size) on the fast
 * requantization with filter layout 1. Its pixels are the patches: with at most PW_BLOCK
 * channels, one quads_pointwise call runs every pair whose words stay inside the input; the
 * rest (the last pair when K % 4 != 0, an odd last pixel, and every pair of a wider layer)
 * pair by pair, widened once, then each block of channels: pixels in order, as the
 * overlap rule (conv_s8.c) lets the output lie over the input already read. K = 8 with 16
 * or 32 channels: runs of pixels instead (conv_pointwise8_dsp.h). Out of line: the other
 * paths of micro_conv_s8_dsp compile as they would without it. */
static MICRO_NOINLINE void pointwise_fast(const micro_conv_s8_params_t *p,
                                          const int8_t *input, const int8_t *filter,
                                          const pass_t *c, pw_chan_t *table, uint64_t *words,
                                          int8_t *output)
{
    const int32_t depth = p->input_depth, depth_out = p->output_depth;
    const int32_t groups4 = (depth + 3) / 4;
    const int32_t pixels = p->input_height * p->input_width;
    const int64_t in_end = (int64_t)p->batches * pixels * depth;
    const int narrow = depth_out <= PW_BLOCK;
    const pw_chan_t *records = floor_records(p, filter);
    if (narrow) {
        fill_pointwise(c, 0, depth_out, table);
    }
    if (MICRO_PATH_ON(MICRO_PATH_CONV_PW8) && pw8_applies(depth, depth_out)) {
        /* The run's buffer: the tables' bytes past the first PW8_CHANNELS entries (their
         * union's member pw8). */
        uint32_t *block = (uint32_t *)(void *)(table + PW8_CHANNELS);
        pw8_image(input, filter, records != NULL ? records : table, records != NULL, block,
                  (int64_t)p->batches * pixels, depth_out, c->zp, output);
        return;
    }
    for (int32_t b = 0; b < p->batches; ++b) {
        const int64_t first = (int64_t)b * pixels;
        int32_t safe = narrow ? pixels / 2 : 0;
        while (safe > 0 && (first + 2 * safe - 1) * depth + 4 * groups4 > in_end) {
            --safe;
        }
        if (safe > 0) {
            const pointwise_t a = {input + first * depth, depth, safe, words, filter, groups4,
                                   depth_out / 4, table, output + first * depth_out,
                                   depth_out, c->zp, 1, records};
            quads_pointwise(&a);
        }
        for (int32_t pix = 2 * safe; pix < pixels; pix += 2) {
            const int64_t at = first + pix, at1 = pix + 1 < pixels ? at + 1 : at;
            widen_exact(words, input + at * depth, input + at1 * depth, depth);
            for (int32_t o0 = 0; o0 < depth_out; o0 += PW_BLOCK) {
                const int32_t n = depth_out - o0 < PW_BLOCK ? depth_out - o0 : PW_BLOCK;
                if (!narrow) {
                    fill_pointwise(c, o0, n, table);
                }
                const pointwise_t one = {NULL, depth, 1, words,
                                         filter + (int64_t)o0 * 8 * groups4, groups4, n / 4,
                                         table, output + at * depth_out + o0,
                                         (int32_t)(at1 - at) * depth_out, c->zp, 0,
                                         records != NULL ? records + o0 : NULL};
                quads_pointwise(&one);
            }
        }
    }
}

#endif
