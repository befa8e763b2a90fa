/*
 * CONV_2D int8 without im2col scratch: micro_conv_s8's path when the compiler dropped the
 * scratch to shrink the arena. The sums are taken straight from the int8 input, 2 pixels x
 * 2 filters per pass: a tap outside the image adds input_zp times its weights, exactly what
 * its input_zp-filled im2col value would add, so both paths produce the same int32 sums and
 * the same bytes.
 */
#include "conv_s8_direct.h"

/* Sum of n int8 weights. */
static int32_t weight_sum(const int8_t *w, int32_t n)
{
    int32_t s = 0;
    for (int32_t i = 0; i < n; ++i) {
        s += w[i];
    }
    return s;
}

/* s[f] += sum_k x[k] * w_f[k] for filters w0, w1 (int8 x int8, n values). */
MICRO_HOST_CLONES static void dot_1x2(const int8_t *restrict x, const int8_t *restrict w0,
                    const int8_t *restrict w1, int32_t n, int32_t *restrict s)
{
    int32_t s0 = 0, s1 = 0;
    for (int32_t k = 0; k < n; ++k) {
        const int16_t a = x[k];
        s0 += a * w0[k];
        s1 += a * w1[k];
    }
    s[0] += s0;
    s[1] += s1;
}

/* s[2r + f] += sum_k x_r[k] * w_f[k] for inputs x0, x1 and filters w0, w1, all int8. */
MICRO_HOST_CLONES static void dot_2x2_s8(const int8_t *restrict x0, const int8_t *restrict x1,
                       const int8_t *restrict w0, const int8_t *restrict w1, int32_t n,
                       int32_t *restrict s)
{
    int32_t s00 = 0, s01 = 0, s10 = 0, s11 = 0;
    for (int32_t k = 0; k < n; ++k) {
        const int16_t a = x0[k], b = x1[k], u = w0[k], v = w1[k];
        s00 += a * u;
        s01 += a * v;
        s10 += b * u;
        s11 += b * v;
    }
    s[0] += s00;
    s[1] += s01;
    s[2] += s10;
    s[3] += s11;
}

/* Whether a window row starting at input column ix0 is one contiguous run of the image. */
static int contiguous(const micro_conv_s8_params_t *p, int32_t ix0)
{
    return p->dilation_width == 1 && p->groups == 1 && ix0 >= 0 &&
           ix0 + p->filter_width <= p->input_width;
}

/* s[0], s[1] += one pixel's taps of filter row u, v on input row `line` (its group's
 * first channel), the window starting at column ix0. */
MICRO_HOST_CLONES static void row_1x2(const micro_conv_s8_params_t *p, const int8_t *line, int32_t ix0,
                    const int8_t *u, const int8_t *v, int32_t *s)
{
    const int32_t depth = p->filter_depth, channels = p->input_depth, fw = p->filter_width;
    const int32_t zp = p->input_zp;
    if (p->dilation_width == 1 && p->groups == 1) {
        /* The taps inside the image are one run: one dot product, and input_zp times the
         * weights of the columns left and right of the image. */
        const int32_t lo = ix0 < 0 ? (-ix0 < fw ? -ix0 : fw) : 0;
        const int32_t room = p->input_width - ix0;
        const int32_t hi = room < fw ? (room > lo ? room : lo) : fw;
        const int32_t left = lo * depth, run = (hi - lo) * depth, right = (fw - hi) * depth;
        if (left + right > 0) {
            s[0] += zp * (weight_sum(u, left) + weight_sum(u + left + run, right));
            s[1] += zp * (weight_sum(v, left) + weight_sum(v + left + run, right));
        }
        if (run > 0) {
            dot_1x2(line + (int64_t)(ix0 + lo) * channels, u + left, v + left, run, s);
        }
        return;
    }
    for (int32_t fx = 0; fx < fw; ++fx, u += depth, v += depth) {
        const int32_t ix = ix0 + fx * p->dilation_width;
        if (ix < 0 || ix >= p->input_width) {
            s[0] += zp * weight_sum(u, depth);
            s[1] += zp * weight_sum(v, depth);
        } else {
            dot_1x2(line + (int64_t)ix * channels, u, v, depth, s);
        }
    }
}

/* The sums of output pixels (oy, ox0) and (oy, ox1), group g, filters w0, w1, without
 * im2col: s[2r + f], the same values as dot_2x2 over the pixels' gathered rows. */
MICRO_HOST_CLONES static void direct_2x2(const micro_conv_s8_params_t *p, const int8_t *image, int32_t oy,
                       int32_t ox0, int32_t ox1, int32_t g, const int8_t *w0,
                       const int8_t *w1, int32_t *s)
{
    const int32_t channels = p->input_depth, span = p->filter_width * p->filter_depth;
    const int32_t iy0 = oy * p->stride_height - p->pad_top;
    const int32_t ix0 = ox0 * p->stride_width - p->pad_left;
    const int32_t ix1 = ox1 * p->stride_width - p->pad_left;
    const int both = contiguous(p, ix0) && contiguous(p, ix1);
    const int8_t *base = image + (int64_t)g * p->filter_depth;
    s[0] = s[1] = s[2] = s[3] = 0;
    for (int32_t fy = 0; fy < p->filter_height; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_height;
        const int8_t *u = w0 + fy * span, *v = w1 + fy * span;
        if (iy < 0 || iy >= p->input_height) {
            const int32_t su = p->input_zp * weight_sum(u, span);
            const int32_t sv = p->input_zp * weight_sum(v, span);
            s[0] += su;
            s[1] += sv;
            s[2] += su;
            s[3] += sv;
            continue;
        }
        const int8_t *line = base + (int64_t)iy * p->input_width * channels;
        if (both) {
            dot_2x2_s8(line + (int64_t)ix0 * channels, line + (int64_t)ix1 * channels, u, v,
                       span, s);
        } else {
            row_1x2(p, line, ix0, u, v, s);
            row_1x2(p, line, ix1, u, v, s + 2);
        }
    }
}

/* No scratch: two pixels of an output row x two filters per pass, from the int8 input. */
MICRO_HOST_CLONES void micro_conv_s8_direct(const micro_conv_s8_params_t *p, const int8_t *input,
                                            const int8_t *filter, const int32_t *bias,
                                            const int32_t *multiplier, const int32_t *shift,
                                            int8_t *output)
{
    const int32_t row = micro_conv_s8_row_size(p);
    const int32_t per_group = p->output_depth / p->groups;
    const int32_t depth_out = p->output_depth;
    const int32_t out_h = p->output_height, out_w = p->output_width;
    const int64_t image_size = (int64_t)p->input_height * p->input_width * p->input_depth;
    const int32_t groups = p->groups, batches = p->batches;
    const micro_conv_out_t r = {p->output_zp, p->act_min, p->act_max};
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *image = input + b * image_size;
        for (int32_t oy = 0; oy < out_h; ++oy) {
            int8_t *out_row = output + ((int64_t)b * out_h + oy) * out_w * depth_out;
            for (int32_t ox = 0; ox < out_w; ox += 2) {
                const int32_t ox1 = ox + 1 < out_w ? ox + 1 : ox;
                int8_t *out0 = out_row + (int64_t)ox * depth_out;
                int8_t *out1 = out_row + (int64_t)ox1 * depth_out;
                for (int32_t g = 0; g < groups; ++g) {
                    const int32_t first = g * per_group, last = first + per_group;
                    for (int32_t o = first; o < last; o += 2) {
                        const int32_t o1 = o + 1 < last ? o + 1 : o;
                        int32_t s[4];
                        direct_2x2(p, image, oy, ox, ox1, g, filter + (int64_t)o * row,
                                   filter + (int64_t)o1 * row, s);
                        out0[o] = micro_conv_s8_finish(r, s[0], bias[o], multiplier[o], shift[o]);
                        out0[o1] = micro_conv_s8_finish(r, s[1], bias[o1], multiplier[o1], shift[o1]);
                        out1[o] = micro_conv_s8_finish(r, s[2], bias[o], multiplier[o], shift[o]);
                        out1[o1] = micro_conv_s8_finish(r, s[3], bias[o1], multiplier[o1], shift[o1]);
                    }
                }
            }
        }
    }
}
