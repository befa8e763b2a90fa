/*
 * im2col for CONV_2D int8 (internal): an output pixel's patch widened to int16, shared by
 * micro_conv_s8 and its host twin.
 */
#ifndef MICRO_KERNELS_IM2COL_H
#define MICRO_KERNELS_IM2COL_H

#include <stdint.h>

#include "micro/config.h"
#include "micro/kernels/conv_s8.h"

/* Widens n int8 values to int16. */
MICRO_HOST_CLONES static inline void im2col_widen(int16_t *restrict dst, const int8_t *restrict src, int32_t n)
{
    for (int32_t i = 0; i < n; ++i) {
        dst[i] = src[i];
    }
}

static inline void im2col_fill(int16_t *dst, int16_t value, int32_t n)
{
    for (int32_t i = 0; i < n; ++i) {
        dst[i] = value;
    }
}

/* The patch of output pixel (oy, ox) for group g, K = FH*FW*I values widened to int16
 * into `row`, input_zp where the window leaves the image. */
MICRO_HOST_CLONES static inline void im2col_gather(const micro_conv_s8_params_t *p, const int8_t *image, int32_t oy,
                   int32_t ox, int32_t g, int16_t *row)
{
    const int32_t height = p->input_height, width = p->input_width, channels = p->input_depth;
    const int32_t depth = p->filter_depth, fw = p->filter_width;
    const int32_t iy0 = oy * p->stride_height - p->pad_top;
    const int32_t ix0 = ox * p->stride_width - p->pad_left;
    const int8_t *base = image + (int64_t)g * depth;
    const int16_t zp = (int16_t)p->input_zp;
    const int32_t span = fw * depth;
    int16_t *dst = row;
    for (int32_t fy = 0; fy < p->filter_height; ++fy, dst += span) {
        const int32_t iy = iy0 + fy * p->dilation_height;
        if (iy < 0 || iy >= height) {
            im2col_fill(dst, zp, span);
            continue;
        }
        const int8_t *line = base + (int64_t)iy * width * channels;
        if (p->dilation_width == 1 && p->groups == 1 && ix0 >= 0 && ix0 + fw <= width) {
            im2col_widen(dst, line + (int64_t)ix0 * channels, span);
            continue;
        }
        for (int32_t fx = 0; fx < fw; ++fx) {
            const int32_t ix = ix0 + fx * p->dilation_width;
            if (ix < 0 || ix >= width) {
                im2col_fill(dst + fx * depth, zp, depth);
            } else {
                im2col_widen(dst + fx * depth, line + (int64_t)ix * channels, depth);
            }
        }
    }
}

#endif
