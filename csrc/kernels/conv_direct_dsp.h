/*
 * CONV_2D's DSP twin on filter layout 1 with no scratch (internal to conv_s8_dsp.c): the
 * plan of the smallest arena drops the im2col scratch, and the filters keep their int16
 * quads. Per pixel pair and quad of 4 filters, 8 sums in registers; the patch is read a
 * window row at a time, straight from the image where the row lies inside it and has one
 * group (its FW * I values are then contiguous), else from a copy on the stack of that one
 * row (input_zp outside the image, the bias folds it back out). A window row holds whole
 * groups of 4 values (FW * I a multiple of 4), so per group the pixels' words give their
 * SXTB16 halves and meet the quad's 8 filter words (conv_s8.h), 16 SMLAD: the layout-1
 * pass of conv_quads_dsp.h, with the widening done per quad instead of once per pair.
 * Sums wrap modulo 2^32 as the reference's do; requantization is micro_requant_out's.
 */
#ifndef MICRO_KERNELS_CONV_DIRECT_DSP_H
#define MICRO_KERNELS_CONV_DIRECT_DSP_H

#include <stdint.h>
#include <string.h>

#include "dsp.h"
#include "micro/kernels/conv_s8.h"

/* Longest window row (FW * I bytes) the direct loop takes: two copies of it on the stack. */
#define DIRECT_ROW_MAX 256

static int direct_applies(const micro_conv_s8_params_t *p)
{
    const int32_t row = p->filter_width * p->filter_depth;
    return (p->filter_layout == 1 || p->filter_layout == 4) && p->dilation_width == 1 && row % 4 == 0 &&
           row <= DIRECT_ROW_MAX && (p->output_depth / p->groups) % 4 == 0;
}

/* Window row fy of output pixel (y, x) in group g: a pointer into the image when the row
 * lies inside it with contiguous values, else `buf` filled with the row (input_zp outside). */
static const int8_t *direct_row(const micro_conv_s8_params_t *p, const int8_t *image,
                                int32_t y, int32_t x, int32_t fy, int32_t g, int8_t *buf)
{
    const int32_t iy = y * p->stride_height + fy * p->dilation_height - p->pad_top;
    const int32_t ix = x * p->stride_width - p->pad_left;
    const int32_t depth = p->filter_depth, channels = p->input_depth;
    const int32_t fw = p->filter_width;
    const int inside_y = iy >= 0 && iy < p->input_height;
    const int64_t at = ((int64_t)iy * p->input_width + ix) * channels + g * depth;
    if (inside_y && p->groups == 1 && ix >= 0 && ix + fw <= p->input_width) {
        return image + at;
    }
    for (int32_t fx = 0; fx < fw; ++fx) {
        int8_t *dst = buf + fx * depth;
        if (inside_y && ix + fx >= 0 && ix + fx < p->input_width) {
            memcpy(dst, image + at + (int64_t)fx * channels, (size_t)depth);
        } else {
            memset(dst, (int)(int8_t)p->input_zp, (size_t)depth);
        }
    }
    return buf;
}

/* s[2f + p] += the dots of the pair's window rows r0, r1 (`groups` groups of 4 values)
 * with filter f of the quad's words from w on. */
static MICRO_ALWAYS_INLINE void direct_dot(const int8_t *r0, const int8_t *r1, const int8_t *w,
                                           int32_t groups, int32_t *s)
{
    for (int32_t j = 0; j < groups; ++j, w += 32) {
        const uint32_t a0 = micro_read4(r0 + 4 * j), a1 = micro_read4(r1 + 4 * j);
        const uint32_t e0 = micro_sxtb16(a0), o0 = micro_sxtb16_hi(a0);
        const uint32_t e1 = micro_sxtb16(a1), o1 = micro_sxtb16_hi(a1);
        for (int32_t f = 0; f < 4; ++f) {
            const uint32_t we = micro_read4(w + 4 * f), wo = micro_read4(w + 16 + 4 * f);
            s[2 * f] = micro_smlad(o0, wo, micro_smlad(e0, we, s[2 * f]));
            s[2 * f + 1] = micro_smlad(o1, wo, micro_smlad(e1, we, s[2 * f + 1]));
        }
    }
}

/* One image of the convolution (direct_applies holds), any requantization. */
static void direct_image(const micro_conv_s8_params_t *p, const int8_t *image,
                         const int8_t *filter, const int32_t *bias, const int32_t *multiplier,
                         const int32_t *shift, int8_t *out_image)
{
    const int32_t depth_out = p->output_depth, per_group = depth_out / p->groups;
    const int32_t width = p->output_width, pixels = p->output_height * width;
    const int32_t row_groups = p->filter_width * p->filter_depth / 4;
    const int32_t quad_bytes = 32 * row_groups * p->filter_height; /* G = K / 4 groups */
    const int32_t zp = p->output_zp, zp2 = 1 + 2 * zp, lo = p->act_min, hi = p->act_max;
    int8_t buf0[DIRECT_ROW_MAX], buf1[DIRECT_ROW_MAX];
    for (int32_t pix = 0; pix < pixels; pix += 2) {
        const int32_t pix1 = pix + 1 < pixels ? pix + 1 : pix;
        const int32_t y0 = pix / width, x0 = pix % width, y1 = pix1 / width, x1 = pix1 % width;
        int8_t *out0 = out_image + (int64_t)pix * depth_out;
        int8_t *out1 = out_image + (int64_t)pix1 * depth_out;
        for (int32_t o = 0; o < depth_out; o += 4) {
            const int32_t g = o / per_group;
            const int8_t *w = filter + (int64_t)o / 4 * quad_bytes;
            int32_t s[8];
            for (int32_t f = 0; f < 4; ++f) {
                s[2 * f] = s[2 * f + 1] = bias[o + f];
            }
            for (int32_t fy = 0; fy < p->filter_height; ++fy, w += 32 * row_groups) {
                direct_dot(direct_row(p, image, y0, x0, fy, g, buf0),
                           direct_row(p, image, y1, x1, fy, g, buf1), w, row_groups, s);
            }
            for (int32_t f = 0; f < 4; ++f) {
                const micro_requant_channel_t c =
                    micro_requant_channel(multiplier[o + f], shift[o + f]);
                out0[o + f] = (int8_t)micro_requant_out(s[2 * f], c, zp, zp2, lo, hi);
                out1[o + f] = (int8_t)micro_requant_out(s[2 * f + 1], c, zp, zp2, lo, hi);
            }
        }
    }
}

#endif
