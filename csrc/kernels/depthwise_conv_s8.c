/*
 * DEPTHWISE_CONV_2D int8: for each output pixel, channels are taken in tiles of TILE; a
 * tile's int32 accumulators live on the stack and every window tap adds one contiguous
 * int8 x int8 row product (vectorised over channels; common tile widths are constants).
 * A tap outside the image adds input_zp * filter, which cancels the zero point folded
 * into the bias. With a depth multiplier M > 1 each tap's input channels are first
 * repeated M times into a tile row. Few channels take the wide path (run_wide), whose
 * tiles span several pixels. Stack: about 1.2 KB (the tiles and a 3x3 window's weights).
 */
#include "micro/kernels/depthwise_conv_s8.h"

#include <string.h>

#include "micro/config.h"
#include "micro/kernel.h"
#include "micro/kernels/depthwise_conv_s8_dsp.h"
#include "micro/kernels/depthwise_conv_s8_host.h"
#include "check.h"
#include "overlap.h"
#include "requant.h"

#define TILE 64
#define WIDE TILE /* lanes of a few-channel tile; the buffers are shared */
#define WIDE_TAPS 9

/* acc[c] += x[c] * w[c] for c < n. */
static inline void row_mac(int32_t *restrict acc, const int8_t *restrict x,
                           const int8_t *restrict w, int32_t n)
{
    for (int32_t c = 0; c < n; ++c) {
        acc[c] += (int32_t)x[c] * (int32_t)w[c];
    }
}

/* The input row a tile of output channels [o0, o0 + n) reads from one pixel: the pixel's
 * channels themselves when M == 1, else each channel repeated M times into `spread`. */
static const int8_t *tile_input(const int8_t *pixel, int32_t o0, int32_t n, int32_t mult,
                                int8_t *spread)
{
    if (mult == 1) {
        return pixel + o0;
    }
    int32_t c = o0 / mult, m = o0 % mult;
    for (int32_t j = 0; j < n; ++j) {
        spread[j] = pixel[c];
        if (++m == mult) {
            m = 0;
            ++c;
        }
    }
    return spread;
}

/* Few channels (M == 1, C <= WIDE / 2, at most WIDE_TAPS taps): a tile spans
 * P = WIDE / C neighbouring output pixels of a row, so each tap is one WIDE-lane row
 * product against the tap's weights repeated P times. The input lanes are read in place
 * when the P windows are side by side inside the image (stride 1), else gathered. */
MICRO_HOST_CLONES static void run_wide(const micro_depthwise_conv_s8_params_t *p, const int8_t *input,
                     const int8_t *filter, const int32_t *bias, const int32_t *multiplier,
                     const int32_t *shift, int8_t *output, int32_t *acc, const int8_t *padded,
                     int8_t *gathered)
{
    const int32_t height = p->input_height, width = p->input_width, channels = p->input_depth;
    const int32_t fh = p->filter_height, fw = p->filter_width;
    const int32_t out_h = p->output_height, out_w = p->output_width;
    const int32_t stride_h = p->stride_height, stride_w = p->stride_width;
    const int32_t dil_h = p->dilation_height, dil_w = p->dilation_width;
    const int32_t pad_top = p->pad_top, pad_left = p->pad_left, batches = p->batches;
    const int32_t out_zp = p->output_zp, act_min = p->act_min, act_max = p->act_max;
    const int32_t per = WIDE / channels;
    const size_t width_c = (size_t)channels;
    int8_t weights[WIDE_TAPS][WIDE];
    for (int32_t t = 0; t < fh * fw; ++t) {
        for (int32_t q = 0; q < per; ++q) {
            memcpy(weights[t] + q * channels, filter + t * channels, width_c);
        }
    }
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *image = input + (int64_t)b * height * width * channels;
        for (int32_t oy = 0; oy < out_h; ++oy) {
            const int32_t iy0 = oy * stride_h - pad_top;
            int8_t *out_row = output + ((int64_t)b * out_h + oy) * out_w * channels;
            for (int32_t ox0 = 0; ox0 < out_w; ox0 += per) {
                const int32_t pixels = out_w - ox0 < per ? out_w - ox0 : per;
                const int32_t n = pixels * channels;
                for (int32_t j = 0; j < n; ++j) {
                    acc[j] = 0;
                }
                for (int32_t fy = 0; fy < fh; ++fy) {
                    const int32_t iy = iy0 + fy * dil_h;
                    const int y_in = iy >= 0 && iy < height;
                    const int8_t *line = image + (int64_t)iy * width * channels;
                    for (int32_t fx = 0; fx < fw; ++fx) {
                        const int32_t first = ox0 * stride_w - pad_left + fx * dil_w;
                        const int32_t last = first + (pixels - 1) * stride_w;
                        const int8_t *x = padded;
                        if (y_in && stride_w == 1 && first >= 0 && last < width) {
                            x = line + (int64_t)first * channels;
                        } else if (y_in) {
                            for (int32_t q = 0; q < pixels; ++q) {
                                const int32_t ix = first + q * stride_w;
                                const int8_t *src =
                                    ix >= 0 && ix < width ? line + (int64_t)ix * channels : padded;
                                memcpy(gathered + q * channels, src, width_c);
                            }
                            x = gathered;
                        }
                        if (n == WIDE) {
                            row_mac(acc, x, weights[fy * fw + fx], WIDE);
                        } else {
                            row_mac(acc, x, weights[fy * fw + fx], n);
                        }
                    }
                }
                int8_t *out = out_row + (int64_t)ox0 * channels;
                for (int32_t q = 0; q < pixels; ++q) {
                    for (int32_t c = 0; c < channels; ++c) {
                        const int32_t j = q * channels + c;
                        /* The bias add wraps like TFLM's int32 accumulator would. */
                        const int32_t total = (int32_t)((uint32_t)acc[j] + (uint32_t)bias[c]);
                        const int32_t v =
                            micro_requantize_zp(total, multiplier[c], shift[c], out_zp);
                        out[j] = (int8_t)micro_clamp(v, act_min, act_max);
                    }
                }
            }
        }
    }
}

/* Filter layout 3's words (depthwise_conv_s8.h): a channel's record, a quad's block. */
#define S2_REC_WORDS 14
#define S2_BLOCK_WORDS (4 * S2_REC_WORDS + 1)

/* Tap t's weight for output channel o in filter layout 1, 2 or 3 (depthwise_conv_s8.h). */
static int32_t wide_weight(const micro_depthwise_conv_s8_params_t *p, const int8_t *filter,
                           int32_t t, int32_t o)
{
    int64_t at; /* the weight's int16 */
    if (p->filter_layout == 1) {
        const int64_t pairs = ((int64_t)p->filter_height * p->filter_width + 1) / 2;
        at = ((o / 4 * pairs + t / 2) * 4 + o % 4) * 2 + t % 2;
    } else {
        /* Row 0 in word 2 fx's low half, row 1 in word 2 fx + 1's, row 2 in its high;
         * layout 3 holds those words at 0-1 and 4-7 of the channel's record. */
        const int32_t fy = t / 3, fx = t % 3;
        const int64_t word = p->filter_layout == 3
                                 ? (int64_t)o / 4 * S2_BLOCK_WORDS + o % 4 * S2_REC_WORDS +
                                       (fx ? 2 + 2 * fx : 0)
                                 : (int64_t)o * 6 + 2 * fx;
        at = (word + (fy > 0)) * 2 + (fy == 2);
    }
    const uint8_t *w = (const uint8_t *)filter + at * 2;
    return (int16_t)(uint16_t)(w[0] | w[1] << 8);
}

/* Filter layout 1, 2 or 3, one output at a time (Programs compiled for a DSP core, on the
 * host). */
static void run_int16(const micro_depthwise_conv_s8_params_t *p, const int8_t *input,
                      const int8_t *filter, const int32_t *bias, const int32_t *multiplier,
                      const int32_t *shift, int8_t *output)
{
    const int32_t height = p->input_height, width = p->input_width, channels = p->input_depth;
    const int32_t depth_out = channels * p->depth_multiplier, fw = p->filter_width;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + (int64_t)b * height * width * channels;
        for (int32_t oy = 0; oy < p->output_height; ++oy) {
            for (int32_t ox = 0; ox < p->output_width; ++ox) {
                int8_t *out = output + (((int64_t)b * p->output_height + oy) *
                                            p->output_width + ox) * depth_out;
                for (int32_t o = 0; o < depth_out; ++o) {
                    const int32_t c = o / p->depth_multiplier;
                    int32_t acc = bias[o];
                    for (int32_t t = 0; t < p->filter_height * fw; ++t) {
                        const int32_t iy = oy * p->stride_height - p->pad_top +
                                           t / fw * p->dilation_height;
                        const int32_t ix = ox * p->stride_width - p->pad_left +
                                           t % fw * p->dilation_width;
                        const int32_t x = iy >= 0 && iy < height && ix >= 0 && ix < width
                                              ? image[((int64_t)iy * width + ix) * channels + c]
                                              : p->input_zp;
                        acc = (int32_t)((uint32_t)acc +
                                        (uint32_t)(x * wide_weight(p, filter, t, o)));
                    }
                    const int32_t v = micro_requantize_zp(acc, multiplier[o], shift[o],
                                                          p->output_zp);
                    out[o] = (int8_t)micro_clamp(v, p->act_min, p->act_max);
                }
            }
        }
    }
}

MICRO_HOST_CLONES micro_status_t micro_depthwise_conv_s8(const micro_depthwise_conv_s8_params_t *p,
                                       const int8_t *input, const int8_t *filter,
                                       const int32_t *bias, const int32_t *multiplier,
                                       const int32_t *shift, int8_t *output)
{
    const int32_t height = p->input_height, width = p->input_width, channels = p->input_depth;
    const int32_t mult = p->depth_multiplier, fw = p->filter_width;
    const int32_t depth_out = channels * mult;
    int32_t acc[TILE];
    int8_t padded[TILE];
    int8_t spread[TILE];
    if (p->filter_layout != 0) {
        run_int16(p, input, filter, bias, multiplier, shift, output);
        return MICRO_OK;
    }
    memset(padded, p->input_zp, sizeof padded);
    if (mult == 1 && channels <= WIDE / 2 && p->filter_height * p->filter_width <= WIDE_TAPS) {
        run_wide(p, input, filter, bias, multiplier, shift, output, acc, padded, spread);
        return MICRO_OK;
    }
    /* Fields copied to locals: an int8 store may alias the params, which would otherwise be
     * reloaded after every output byte. */
    const int32_t batches = p->batches, out_h = p->output_height, out_w = p->output_width;
    const int32_t stride_h = p->stride_height, stride_w = p->stride_width;
    const int32_t pad_top = p->pad_top, pad_left = p->pad_left, fh = p->filter_height;
    const int32_t dil_h = p->dilation_height, dil_w = p->dilation_width;
    const int32_t out_zp = p->output_zp, act_min = p->act_min, act_max = p->act_max;
    for (int32_t b = 0; b < batches; ++b) {
        const int8_t *image = input + (int64_t)b * height * width * channels;
        for (int32_t oy = 0; oy < out_h; ++oy) {
            const int32_t iy0 = oy * stride_h - pad_top;
            for (int32_t ox = 0; ox < out_w; ++ox) {
                const int32_t ix0 = ox * stride_w - pad_left;
                int8_t *out =
                    output + (((int64_t)b * out_h + oy) * out_w + ox) *
                                 depth_out;
                for (int32_t o0 = 0; o0 < depth_out; o0 += TILE) {
                    const int32_t n = depth_out - o0 < TILE ? depth_out - o0 : TILE;
                    for (int32_t j = 0; j < n; ++j) {
                        acc[j] = 0;
                    }
                    for (int32_t fy = 0; fy < fh; ++fy) {
                        const int32_t iy = iy0 + fy * dil_h;
                        const int y_in = iy >= 0 && iy < height;
                        const int8_t *line = image + (int64_t)iy * width * channels;
                        const int8_t *w = filter + (int64_t)fy * fw * depth_out + o0;
                        for (int32_t fx = 0; fx < fw; ++fx, w += depth_out) {
                            const int32_t ix = ix0 + fx * dil_w;
                            const int8_t *x = padded;
                            if (y_in && ix >= 0 && ix < width) {
                                x = tile_input(line + (int64_t)ix * channels, o0, n, mult,
                                               spread);
                            }
                            /* Constant lengths for the common tiles: straight-line vectors. */
                            if (n == TILE) {
                                row_mac(acc, x, w, TILE);
                            } else if (n == 8) {
                                row_mac(acc, x, w, 8);
                            } else if (n == 16) {
                                row_mac(acc, x, w, 16);
                            } else if (n == 32) {
                                row_mac(acc, x, w, 32);
                            } else {
                                row_mac(acc, x, w, n);
                            }
                        }
                    }
                    for (int32_t j = 0; j < n; ++j) {
                        const int32_t o = o0 + j;
                        /* The bias add wraps like TFLM's int32 accumulator would. */
                        const int32_t total = (int32_t)((uint32_t)acc[j] + (uint32_t)bias[o]);
                        const int32_t v =
                            micro_requantize_zp(total, multiplier[o], shift[o], out_zp);
                        out[o] = (int8_t)micro_clamp(v, act_min, act_max);
                    }
                }
            }
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return (MICRO_DSP         ? micro_depthwise_conv_s8_dsp
            : MICRO_HOST_SIMD ? micro_depthwise_conv_s8_host
                              : micro_depthwise_conv_s8)(
        params, op[MICRO_DEPTHWISE_CONV_S8_INPUT], op[MICRO_DEPTHWISE_CONV_S8_FILTER],
        op[MICRO_DEPTHWISE_CONV_S8_BIAS], op[MICRO_DEPTHWISE_CONV_S8_MULTIPLIER],
        op[MICRO_DEPTHWISE_CONV_S8_SHIFT], op[MICRO_DEPTHWISE_CONV_S8_OUTPUT]);
}

/* Filter layout 3's fields against the other operands (depthwise_conv_s8.h), once at
 * load: the stride-2 path reads them without a check a call. depth_out a multiple of 4; the
 * operands' sizes already checked. */
static int records_ok(const micro_depthwise_conv_s8_params_t *p, const void *filter,
                      const int32_t *bias, const int32_t *multiplier, const int32_t *shift,
                      int32_t depth_out)
{
    if (p->act_min != -128 || p->act_max != 127) {
        return 0;
    }
    const uint32_t row_out = (uint32_t)p->output_width * (uint32_t)depth_out;
    const uint8_t *const base = filter;
    for (int32_t o = 0; o < depth_out; ++o) {
        uint32_t r[S2_REC_WORDS];
        const uint8_t *const at =
            base + ((int64_t)o / 4 * S2_BLOCK_WORDS + o % 4 * S2_REC_WORDS) * 4;
        memcpy(r, at, sizeof r);
        const int32_t m = multiplier[o], s = shift[o];
        if (m < (INT32_C(1) << 30) || !micro_in_range(s, -31, -1)) {
            return 0;
        }
        /* the bottom row's weights: the high halves of the (w1, w2) words 1, 5, 7 */
        const int32_t bottom = (int16_t)(r[1] >> 16) + (int16_t)(r[5] >> 16) +
                               (int16_t)(r[7] >> 16);
        /* each column's (w1, w2) word repeats its (w0, w1) word's w1 */
        const int shared_w1 = (r[1] & 0xFFFFu) == r[0] >> 16 &&
                              (r[5] & 0xFFFFu) == r[4] >> 16 && (r[7] & 0xFFFFu) == r[6] >> 16;
        if (!shared_w1 || r[2] != (uint32_t)bias[o] ||
            r[3] != (uint32_t)bias[o] + (uint32_t)(p->input_zp * bottom) ||
            r[8] != (uint32_t)m << 1 || r[9] != UINT32_MAX << (32 + s) ||
            r[10] != (uint32_t)p->output_zp || r[11] != row_out ||
            r[12] != 2u * row_out || r[13] != 3u * row_out) {
            return 0;
        }
        if (o % 4 == 3) {
            uint32_t adv;
            memcpy(&adv, at + sizeof r, sizeof adv);
            if (adv != (uint32_t)depth_out - 4u) {
                return 0;
            }
        }
    }
    return 1;
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_depthwise_conv_s8_params_t *p = params;
    const int32_t in_dims[4] = {p->batches, p->input_height, p->input_width, p->input_depth};
    const int32_t out_dims[5] = {p->batches, p->output_height, p->output_width, p->input_depth,
                                 p->depth_multiplier};
    const int32_t filter_dims[4] = {p->filter_height, p->filter_width, p->input_depth,
                                    p->depth_multiplier};
    const int32_t steps[4] = {p->stride_height, p->stride_width, p->dilation_height,
                              p->dilation_width};
    const int64_t n_in = micro_count(in_dims, 4), n_filter = micro_count(filter_dims, 4);
    const int64_t n_out = micro_count(out_dims, 5), n_steps = micro_count(steps, 4);
    if (n_in < 0 || n_filter < 0 || n_out < 0 || n_steps < 0 || p->pad_top < 0 ||
        p->pad_left < 0 || !micro_in_range(p->input_zp, -128, 127) ||
        !micro_in_range(p->output_zp, -128, 127) || !micro_in_range(p->act_min, -128, 127) ||
        !micro_in_range(p->act_max, p->act_min, 127) || !micro_in_range(p->filter_layout, 0, 3)) {
        return MICRO_ERR_PARAMS;
    }
    /* Window coordinates stay inside int32; at most 2^16 taps of 2^14 keep sums in int32. */
    const int64_t reach_y = (int64_t)(p->output_height - 1) * p->stride_height +
                            (int64_t)(p->filter_height - 1) * p->dilation_height;
    const int64_t reach_x = (int64_t)(p->output_width - 1) * p->stride_width +
                            (int64_t)(p->filter_width - 1) * p->dilation_width;
    if (reach_y > INT32_MAX / 2 || reach_x > INT32_MAX / 2 || p->pad_top > INT32_MAX / 2 ||
        p->pad_left > INT32_MAX / 2 ||
        (int64_t)p->filter_height * p->filter_width > (INT64_C(1) << 16)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t depth_out = (int64_t)p->input_depth * p->depth_multiplier;
    /* Layout 1: O / 4 quads of ceil(T / 2) pairs of 16 bytes (the int16 bytes T * O * 2
     * round up to); layout 2: 6 words per output channel of a 3x3 filter. */
    const int64_t pairs = ((int64_t)p->filter_height * p->filter_width + 1) / 2;
    if (((p->filter_layout == 1 || p->filter_layout == 3) && depth_out % 4 != 0) ||
        (p->filter_layout >= 2 && (p->filter_height != 3 || p->filter_width != 3))) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t words[4] = {n_filter, depth_out / 4 * pairs * 4, depth_out * 6,
                              depth_out / 4 * S2_BLOCK_WORDS};
    if (!micro_fits(size[MICRO_DEPTHWISE_CONV_S8_INPUT], n_in, 1) ||
        !micro_fits(size[MICRO_DEPTHWISE_CONV_S8_FILTER], words[p->filter_layout],
                    p->filter_layout ? 4 : 1) ||
        !micro_fits(size[MICRO_DEPTHWISE_CONV_S8_BIAS], depth_out, 4) ||
        !micro_fits(size[MICRO_DEPTHWISE_CONV_S8_MULTIPLIER], depth_out, 4) ||
        !micro_fits(size[MICRO_DEPTHWISE_CONV_S8_SHIFT], depth_out, 4) ||
        !micro_fits(size[MICRO_DEPTHWISE_CONV_S8_OUTPUT], n_out, 1)) {
        return MICRO_ERR_OPERANDS;
    }
    if (!micro_requant_ok(op[MICRO_DEPTHWISE_CONV_S8_MULTIPLIER], op[MICRO_DEPTHWISE_CONV_S8_SHIFT],
                          depth_out)) {
        return MICRO_ERR_PARAMS;
    }
    if (p->filter_layout == 3 &&
        !records_ok(p, op[MICRO_DEPTHWISE_CONV_S8_FILTER], op[MICRO_DEPTHWISE_CONV_S8_BIAS],
                    op[MICRO_DEPTHWISE_CONV_S8_MULTIPLIER], op[MICRO_DEPTHWISE_CONV_S8_SHIFT],
                    (int32_t)depth_out)) {
        return MICRO_ERR_PARAMS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: this kernel and its DSP twin compute output rows in
 * order, a row's pixels only (no pass crosses a row end; the twin's column path computes
 * up to six rows a pass but holds rows 1.. on its stack until the pass has read its input,
 * unless each block of channels writes only bytes it has read already),
 * output row r reading input rows from r * stride_h - pad_top on. With stride 1 and
 * same-size rows that is in place but for the rows the window reaches above its centre. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_depthwise_conv_s8_params_t *p = params;
    (void)size;
    const int64_t depth_out = (int64_t)p->input_depth * p->depth_multiplier;
    const micro_rows_t g = {p->batches, p->output_height, p->output_width * depth_out,
                            p->input_height, (int64_t)p->input_width * p->input_depth,
                            p->stride_height, -(int64_t)p->pad_top, 0};
    return in == MICRO_DEPTHWISE_CONV_S8_INPUT && out == MICRO_DEPTHWISE_CONV_S8_OUTPUT
               ? micro_rows_gap(&g)
               : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_depthwise_conv_s8 = {
    step, check, sizeof(micro_depthwise_conv_s8_params_t), MICRO_DEPTHWISE_CONV_S8_N_OPERANDS, gap};
