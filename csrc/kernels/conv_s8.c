/*
 * CONV_2D int8 as im2col + a small GEMM: output pixels are taken two at a time, each
 * one's patch (FH*FW*I values, input_zp where the window leaves the image) widened to
 * int16 into a scratch row, and every filter of the group dotted with both rows at once
 * (2 pixels x 2 filters per pass, so each loaded value is used twice). The dot products
 * are contiguous 16-bit x 8-bit loops the compiler turns into 16-bit multiply-adds (as
 * CMSIS-NN's q7-to-q15 im2col does); the zero point was folded into the bias.
 *
 * Without scratch the same sums come straight from the int8 input (conv_s8_direct.c); with
 * filter layout 1 or 3 (weights ordered for the DSP twin) run_quads takes one output at a
 * time (layout 4's floor records are the twin's alone: the outputs are the same).
 */
#include "micro/kernels/conv_s8.h"

#include <string.h>

#include "micro/config.h"
#include "micro/kernel.h"
#include "micro/kernels/conv_s8_dsp.h"
#include "micro/kernels/conv_s8_host.h"
#include "micro/paths.h"
#include "check.h"
#include "conv_first_rows.h"
#include "conv_s8_direct.h"
#include "dsp.h"
#include "im2col.h"
#include "overlap.h"
#include "requant.h"

/* s[2r + f] = sum_k x_r[k] * w_f[k] for rows x0, x1 and filters w0, w1. n is a multiple
 * of MICRO_CONV_S8_K_ALIGN, so the vectorised loop never leaves a scalar tail. */
MICRO_HOST_CLONES static void dot_2x2(const int16_t *restrict x0, const int16_t *restrict x1,
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
    s[0] = s00;
    s[1] = s01;
    s[2] = s10;
    s[3] = s11;
}

/* Filter o's weight k in filter layout 1 (conv_s8.h), G groups of 4 values per filter. */
static int32_t quad_weight(const int8_t *filter, int32_t groups_of_4, int32_t o, int32_t k)
{
    const int64_t word = (((int64_t)(o / 4) * groups_of_4 + k / 4) * 2 + (k & 1)) * 4 + o % 4;
    const uint8_t *w = (const uint8_t *)filter + word * 4 + (k & 2);
    return (int16_t)(uint16_t)(w[0] | w[1] << 8);
}

/* Filter o's weight k in filter layout 3 (conv_s8.h), G groups of 4 values per filter, O
 * filters: pairs of rows, per group row 2q's words then row 2q + 1's, a last odd row's 2
 * words a group alone. */
static int32_t pair_weight(const int8_t *filter, int32_t groups_of_4, int32_t depth_out,
                           int32_t o, int32_t k)
{
    const int32_t alone = o == depth_out - 1 && depth_out % 2 != 0; /* 2 words a group */
    const int64_t word = (int64_t)(o / 2) * groups_of_4 * 4 + (int64_t)(k / 4) * (alone ? 2 : 4) +
                         (o % 2) * 2 + (k & 1);
    const uint8_t *w = (const uint8_t *)filter + word * 4 + (k & 2);
    return (int16_t)(uint16_t)(w[0] | w[1] << 8);
}

/* Filter o's weight k (k < FH * FW * I) in filter layout 1, 2 or 3 (conv_s8.h). */
static int32_t laid_weight(const micro_conv_s8_params_t *p, const int8_t *filter,
                           int32_t groups_of_4, int32_t o, int32_t k)
{
    if (MICRO_PATH_ON(MICRO_PATH_CONV_PAIRS) && p->filter_layout == 3) { /* else refused */
        return pair_weight(filter, groups_of_4, p->output_depth, o, k);
    }
    if (p->filter_layout == 2) {
        const int32_t span = p->filter_width * p->filter_depth;
        return micro_first_rows_weight(p, filter, o, k / span, k % span);
    }
    return quad_weight(filter, groups_of_4, o, k);
}

/* Filter layouts 1 and 2, one output at a time (Programs compiled for a DSP core, on the
 * host). */
static void run_quads(const micro_conv_s8_params_t *p, const int8_t *input,
                      const int8_t *filter, const int32_t *bias, const int32_t *multiplier,
                      const int32_t *shift, int8_t *output)
{
    const int32_t height = p->input_height, width = p->input_width, channels = p->input_depth;
    const int32_t fw = p->filter_width, depth = p->filter_depth, depth_out = p->output_depth;
    const int32_t groups_of_4 = (p->filter_height * fw * depth + 3) / 4;
    const int32_t per_group = depth_out / p->groups;
    const micro_conv_out_t r = {p->output_zp, p->act_min, p->act_max};
    int8_t *out = output;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + (int64_t)b * height * width * channels;
        for (int32_t oy = 0; oy < p->output_height; ++oy) {
            for (int32_t ox = 0; ox < p->output_width; ++ox, out += depth_out) {
                for (int32_t o = 0; o < depth_out; ++o) {
                    const int32_t c0 = o / per_group * depth;
                    int32_t acc = 0;
                    for (int32_t k = 0; k < p->filter_height * fw * depth; ++k) {
                        const int32_t t = k / depth;
                        const int32_t iy = oy * p->stride_height - p->pad_top +
                                           t / fw * p->dilation_height;
                        const int32_t ix = ox * p->stride_width - p->pad_left +
                                           t % fw * p->dilation_width;
                        const int32_t x =
                            iy >= 0 && iy < height && ix >= 0 && ix < width
                                ? image[((int64_t)iy * width + ix) * channels + c0 + k % depth]
                                : p->input_zp;
                        acc = (int32_t)((uint32_t)acc +
                                        (uint32_t)(x * laid_weight(p, filter, groups_of_4, o, k)));
                    }
                    out[o] = micro_conv_s8_finish(r, acc, bias[o], multiplier[o], shift[o]);
                }
            }
        }
    }
}

MICRO_HOST_CLONES micro_status_t micro_conv_s8(const micro_conv_s8_params_t *p, const int8_t *input,
                             const int8_t *filter, const int32_t *bias,
                             const int32_t *multiplier, const int32_t *shift, int16_t *scratch,
                             int8_t *output)
{
    if (p->filter_layout != 0) {
        run_quads(p, input, filter, bias, multiplier, shift, output);
        return MICRO_OK;
    }
    if (scratch == NULL) {
        micro_conv_s8_direct(p, input, filter, bias, multiplier, shift, output);
        return MICRO_OK;
    }
    const int32_t k = p->filter_height * p->filter_width * p->filter_depth;
    const int32_t row = micro_conv_s8_row_size(p);
    const int32_t per_group = p->output_depth / p->groups;
    const int32_t depth_out = p->output_depth;
    const int32_t pixels = p->output_height * p->output_width;
    const int64_t image_size = (int64_t)p->input_height * p->input_width * p->input_depth;
    const int32_t groups = p->groups, batches = p->batches, out_w = p->output_width;
    const micro_conv_out_t r = {p->output_zp, p->act_min, p->act_max};
    int16_t *row0 = scratch, *row1 = scratch + row;
    /* The rows' tails meet zero weights; keep them finite (zero) once for all pixels. */
    im2col_fill(row0 + k, 0, row - k);
    im2col_fill(row1 + k, 0, row - k);
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *image = input + b * image_size;
        int8_t *out_image = output + (int64_t)b * pixels * depth_out;
        for (int32_t pix = 0; pix < pixels; pix += 2) {
            const int32_t pix1 = pix + 1 < pixels ? pix + 1 : pix;
            int8_t *out0 = out_image + (int64_t)pix * depth_out;
            int8_t *out1 = out_image + (int64_t)pix1 * depth_out;
            for (int32_t g = 0; g < groups; ++g) {
                im2col_gather(p, image, pix / out_w, pix % out_w, g, row0);
                im2col_gather(p, image, pix1 / out_w, pix1 % out_w, g, row1);
                const int32_t first = g * per_group, last = first + per_group;
                for (int32_t o = first; o < last; o += 2) {
                    const int32_t o1 = o + 1 < last ? o + 1 : o;
                    int32_t s[4];
                    dot_2x2(row0, row1, filter + (int64_t)o * row, filter + (int64_t)o1 * row, row,
                            s);
                    out0[o] = micro_conv_s8_finish(r, s[0], bias[o], multiplier[o], shift[o]);
                    out0[o1] = micro_conv_s8_finish(r, s[1], bias[o1], multiplier[o1], shift[o1]);
                    out1[o] = micro_conv_s8_finish(r, s[2], bias[o], multiplier[o], shift[o]);
                    out1[o1] = micro_conv_s8_finish(r, s[3], bias[o1], multiplier[o1], shift[o1]);
                }
            }
        }
    }
    return MICRO_OK;
}

int64_t micro_conv_s8_scratch_size(const micro_conv_s8_params_t *p)
{
    if (p->filter_layout == 2) {
        return micro_first_rows_scratch(p);
    }
    const int64_t k = (int64_t)p->filter_height * p->filter_width * p->filter_depth;
    const int64_t row =
        (k + MICRO_CONV_S8_K_ALIGN - 1) / MICRO_CONV_S8_K_ALIGN * MICRO_CONV_S8_K_ALIGN;
    return MICRO_CONV_S8_SCRATCH_ROWS * row * (int64_t)sizeof(int16_t);
}

static micro_status_t step(const void *params, void *const *op)
{
    /* a head on filter layout 3 takes the twin's short step (micro_conv_s8_dsp_step) where the
     * build keeps the pairs' path (micro/paths.h; else micro_conv_s8_dsp runs the reference) */
    if (MICRO_DSP && MICRO_PATH_ON(MICRO_PATH_CONV_PAIRS) &&
        ((const micro_conv_s8_params_t *)params)->filter_layout == 3) {
        return micro_conv_s8_dsp_step(params, op);
    }
    return (MICRO_DSP ? micro_conv_s8_dsp : MICRO_HOST_SIMD ? micro_conv_s8_host : micro_conv_s8)(
        params, op[MICRO_CONV_S8_INPUT], op[MICRO_CONV_S8_FILTER], op[MICRO_CONV_S8_BIAS],
        op[MICRO_CONV_S8_MULTIPLIER], op[MICRO_CONV_S8_SHIFT], op[MICRO_CONV_S8_SCRATCH],
        op[MICRO_CONV_S8_OUTPUT]);
}

/* Whether filter layout 3 (conv_s8.h) may describe this call: a 1x1 convolution of a 1x1
 * image with one group and no padding (a classifier's head), no clamp beyond int8's; never
 * in a build without the pairs' path (micro/paths.h), which no Program holding the layout
 * is built with (its path function names the bit), so the layout's code there folds away. */
static int head_layout_fits(const micro_conv_s8_params_t *p)
{
    return MICRO_PATH_ON(MICRO_PATH_CONV_PAIRS) &&
           ((p->input_height - 1) | (p->input_width - 1) | (p->output_height - 1) |
            (p->output_width - 1) | (p->filter_height - 1) | (p->filter_width - 1) |
            (p->groups - 1) | p->pad_top | p->pad_left) == 0 &&
           p->act_min == -128 && p->act_max == 127;
}

/* Whether floor record (m, c, bias') of a channel of multiplier mult and shift sh gives
 * micro_conv_s8_finish's output for every accumulator (conv_s8.h, layout 4): m > 0, a right
 * shift, and for each output v in -127..127 the record's first accumulator reaching v,
 * b_v = ceil(((v - c) * 2^32 - 2^31) / m) - beta, also the reference's first (its output
 * >= v at b_v, < v at b_v - 1). Both maps are monotone, so equal steps make them equal:
 * 510 requantizations a channel, once at load. */
static int floor_record_ok(const int32_t rec[3], int32_t bias, int32_t mult, int32_t sh,
                           int32_t zp, int64_t reach)
{
    const int64_t m = rec[1], c = rec[2];
    const int64_t beta = (int64_t)rec[0] - bias;
    /* neither sum (bias + dot, bias' + dot) may leave int32 */
    if (m <= 0 || mult <= 0 || sh > 0 || c <= -MICRO_CONV_S8_FLOOR_C ||
        c >= MICRO_CONV_S8_FLOOR_C || (bias < 0 ? -(int64_t)bias : bias) + reach > INT32_MAX ||
        (rec[0] < 0 ? -(int64_t)rec[0] : rec[0]) + reach > INT32_MAX) {
        return 0;
    }
    for (int32_t v = -127; v <= 127; ++v) {
        const int64_t num = (v - c) * (INT64_C(1) << 32) - (INT64_C(1) << 31);
        /* ceil(num / m), m > 0 */
        const int64_t q = num >= 0 ? (num + m - 1) / m : -((-num) / m);
        const int64_t b = q - beta;
        if (b - 1 < INT32_MIN || b > INT32_MAX) {
            return 0;
        }
        const int32_t at = micro_clamp(micro_requantize_zp((int32_t)b, mult, sh, zp), -128, 127);
        const int32_t below =
            micro_clamp(micro_requantize_zp((int32_t)(b - 1), mult, sh, zp), -128, 127);
        if (at < v || below >= v) {
            return 0;
        }
    }
    return 1;
}

/* Layout 3's records (after the quads) against the bias and requantization operands. */
static int floor_records_ok(const micro_conv_s8_params_t *p, const int8_t *filter,
                            const int32_t *bias, const int32_t *multiplier,
                            const int32_t *shift, int64_t quad_bytes, int64_t k)
{
    if (p->act_min != -128 || p->act_max != 127) {
        return 0;
    }
    const int64_t reach = k * 128 * 128; /* |dot| <= K * 2^14 */
    for (int32_t o = 0; o < p->output_depth; ++o) {
        int32_t rec[3];
        memcpy(rec, filter + quad_bytes + (int64_t)o * sizeof rec, sizeof rec);
        if (!floor_record_ok(rec, bias[o], multiplier[o], shift[o], p->output_zp, reach)) {
            return 0;
        }
    }
    return 1;
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_conv_s8_params_t *p = params;
    const int32_t in_dims[4] = {p->batches, p->input_height, p->input_width, p->input_depth};
    const int32_t filter_dims[4] = {p->output_depth, p->filter_height, p->filter_width,
                                    p->filter_depth};
    const int32_t out_dims[4] = {p->batches, p->output_height, p->output_width,
                                 p->output_depth};
    const int32_t steps[4] = {p->stride_height, p->stride_width, p->dilation_height,
                              p->dilation_width};
    const int64_t n_in = micro_count(in_dims, 4), n_filter = micro_count(filter_dims, 4);
    const int64_t n_out = micro_count(out_dims, 4), n_steps = micro_count(steps, 4);
    if (n_in < 0 || n_filter < 0 || n_out < 0 || n_steps < 0 || p->groups < 1 ||
        (int64_t)p->groups * p->filter_depth != p->input_depth ||
        p->output_depth % p->groups != 0 || p->pad_top < 0 || p->pad_left < 0 ||
        !micro_in_range(p->input_zp, -128, 127) || !micro_in_range(p->output_zp, -128, 127) ||
        !micro_in_range(p->act_min, -128, 127) || !micro_in_range(p->act_max, p->act_min, 127)) {
        return MICRO_ERR_PARAMS;
    }
    /* Every window coordinate (and the dot product) must stay inside int32 arithmetic. */
    const int64_t reach_y = (int64_t)(p->output_height - 1) * p->stride_height +
                            (int64_t)(p->filter_height - 1) * p->dilation_height;
    const int64_t reach_x = (int64_t)(p->output_width - 1) * p->stride_width +
                            (int64_t)(p->filter_width - 1) * p->dilation_width;
    const int64_t k = (int64_t)p->filter_height * p->filter_width * p->filter_depth;
    const int64_t row = (k + MICRO_CONV_S8_K_ALIGN - 1) / MICRO_CONV_S8_K_ALIGN *
                        MICRO_CONV_S8_K_ALIGN;
    if (reach_y > INT32_MAX / 2 || reach_x > INT32_MAX / 2 || p->pad_top > INT32_MAX / 2 ||
        p->pad_left > INT32_MAX / 2 || k > (INT64_C(1) << 16) ||
        (int64_t)p->output_height * p->output_width > INT32_MAX - 2 ||
        ((p->filter_layout == 1 || p->filter_layout == 4) &&
         (p->output_depth / p->groups) % 4 != 0) ||
        (p->filter_layout == 2 && !micro_first_rows_fit(p)) ||
        (p->filter_layout == 3 && !head_layout_fits(p)) || p->filter_layout < 0 ||
        p->filter_layout > 4) {
        return MICRO_ERR_PARAMS;
    }
    /* layouts 1, 3 and 4: O filters of G groups, 8 bytes each (4: then O records) */
    const int64_t quad_bytes = (int64_t)p->output_depth * ((k + 3) / 4) * 8;
    const int64_t filter_bytes =
        p->filter_layout == 2   ? micro_first_rows_filter_bytes(p)
        : p->filter_layout == 4 ? quad_bytes + (int64_t)p->output_depth * 12
        : p->filter_layout != 0 ? quad_bytes
                                : (int64_t)p->output_depth * row;
    if (!micro_fits(size[MICRO_CONV_S8_INPUT], n_in, 1) ||
        !micro_fits(size[MICRO_CONV_S8_FILTER], filter_bytes, 1) ||
        !micro_fits(size[MICRO_CONV_S8_BIAS], p->output_depth, 4) ||
        !micro_fits(size[MICRO_CONV_S8_MULTIPLIER], p->output_depth, 4) ||
        !micro_fits(size[MICRO_CONV_S8_SHIFT], p->output_depth, 4) ||
        (size[MICRO_CONV_S8_SCRATCH] != 0 &&
         !micro_fits(size[MICRO_CONV_S8_SCRATCH], micro_conv_s8_scratch_size(p), 1)) ||
        !micro_fits(size[MICRO_CONV_S8_OUTPUT], n_out, 1)) {
        return MICRO_ERR_OPERANDS;
    }
    if (!micro_requant_ok(op[MICRO_CONV_S8_MULTIPLIER], op[MICRO_CONV_S8_SHIFT], p->output_depth)) {
        return MICRO_ERR_PARAMS;
    }
    /* layout 3's twin (head16_run) requantizes the fast way only: the rule checked here, once
     * (a plain loop: micro_requant_fast_all's unrolled one would cost flash on every build) */
    for (int32_t o = 0; MICRO_PATH_ON(MICRO_PATH_CONV_PAIRS) && p->filter_layout == 3 &&
                        o < p->output_depth;
         ++o) {
        if ((micro_requant_fast_bit0(((const int32_t *)op[MICRO_CONV_S8_MULTIPLIER])[o],
                                     ((const int32_t *)op[MICRO_CONV_S8_SHIFT])[o]) >>
             31) == 0u) {
            return MICRO_ERR_PARAMS;
        }
    }
    /* Only the DSP twin's K = 8 runs and G = 4 pairs read the records; a build that drops
     * both (micro/paths.h) runs layout 4 as layout 1 and leaves the proof out. */
    const int floor_read =
        MICRO_PATH_ON(MICRO_PATH_CONV_PW8) || MICRO_PATH_ON(MICRO_PATH_CONV_PW_G4);
    if (p->filter_layout == 4 && floor_read &&
        !floor_records_ok(p, op[MICRO_CONV_S8_FILTER], op[MICRO_CONV_S8_BIAS],
                          op[MICRO_CONV_S8_MULTIPLIER], op[MICRO_CONV_S8_SHIFT], quad_bytes, k)) {
        return MICRO_ERR_PARAMS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: both this kernel and its DSP twin compute output rows
 * in order, output row r reading input rows from r * stride_h - pad_top on; they take pixels
 * two at a time across the row end, so a pass may write one pixel of the next row (lead)
 * while the row's windows are still being read. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_conv_s8_params_t *p = params;
    (void)size;
    const micro_rows_t g = {p->batches, p->output_height,
                            (int64_t)p->output_width * p->output_depth, p->input_height,
                            (int64_t)p->input_width * p->input_depth, p->stride_height,
                            -(int64_t)p->pad_top, p->output_depth};
    return in == MICRO_CONV_S8_INPUT && out == MICRO_CONV_S8_OUTPUT ? micro_rows_gap(&g)
                                                                     : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_conv_s8 = {step, check, sizeof(micro_conv_s8_params_t),
                                             MICRO_CONV_S8_N_OPERANDS, gap};
