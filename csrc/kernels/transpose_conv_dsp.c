/*
 * TRANSPOSE_CONV int8 on dual 16-bit multiply-accumulates (SMLAD), the twin of
 * micro_transpose_conv (transpose_conv.c, its oracle: same bytes out).
 *
 * It gathers as the reference does, output pixel by output pixel, but finds the taps that
 * land on a pixel once for all its channels: filter row ky meets output row y iff
 * ky = y + pad_top (mod stride_height), inside [y + pad_top - (input_height - 1) *
 * stride_height, y + pad_top], so the rows are stepped, not tested (likewise columns).
 * Output channels go 4 at a time through micro_dot4_zp (dsp_dot.h): the input pixel's
 * words, zero point subtracted, meet the 4 channels' filter rows. Sums start at the bias
 * and wrap modulo 2^32 like the reference's int32 result. int16 runs the reference.
 */
#include "micro/kernels/transpose_conv_dsp.h"

#include <stddef.h>
#include <stdint.h>

#include "dsp_dot.h"

/* The filter taps [first, last] (step stride) that land on output coordinate `at`. */
typedef struct {
    int32_t first, last;
} taps_t;

static taps_t taps(int32_t at, int32_t pad, int32_t stride, int32_t in_size, int32_t size)
{
    /* t fits: the check keeps pad <= INT32_MAX - the output size (a 32-bit remainder is
     * one instruction, a 64-bit one a library call per pixel). */
    const int32_t t = at + pad;
    const int64_t lowest = t - (int64_t)(in_size - 1) * stride; /* = t (mod stride) */
    const int32_t phase = t % stride;
    taps_t r;
    r.first = (int32_t)(lowest > phase ? lowest : phase);
    r.last = (int32_t)(t < size - 1 ? t : size - 1);
    return r;
}

/* acc[j] += the sums of output channels oc0 + j (j < n, n = 4 or 1) at one pixel. */
static MICRO_ALWAYS_INLINE void pixel_sums(const micro_transpose_conv_params_t *p,
                                           const int8_t *image, const int8_t *filter,
                                           taps_t ty, taps_t tx, int32_t row_t, int32_t col_t,
                                           int32_t oc0, int n, int32_t *acc)
{
    const int32_t depth = p->input_depth;
    const ptrdiff_t oc_stride = (ptrdiff_t)p->filter_height * p->filter_width * depth;
    for (int32_t ky = ty.first; ky <= ty.last; ky += p->stride_height) {
        const int32_t iy = (row_t - ky) / p->stride_height;
        for (int32_t kx = tx.first; kx <= tx.last; kx += p->stride_width) {
            const int32_t ix = (col_t - kx) / p->stride_width;
            const int8_t *in = image + ((ptrdiff_t)iy * p->input_width + ix) * depth;
            const int8_t *w =
                filter + (ptrdiff_t)oc0 * oc_stride +
                ((ptrdiff_t)ky * p->filter_width + kx) * depth;
            if (n == 4) {
                micro_dot4_zp(in, w, oc_stride, depth, p->input_zp, acc);
            } else {
                acc[0] = micro_dot1_zp(in, w, depth, p->input_zp, acc[0]);
            }
        }
    }
}

MICRO_NOINLINE static void sums4(const micro_transpose_conv_params_t *p, const int8_t *image,
                                 const int8_t *filter, taps_t ty, taps_t tx, int32_t row_t,
                                 int32_t col_t, int32_t oc0, int32_t *acc)
{
    pixel_sums(p, image, filter, ty, tx, row_t, col_t, oc0, 4, acc);
}

MICRO_NOINLINE static void sums1(const micro_transpose_conv_params_t *p, const int8_t *image,
                                 const int8_t *filter, taps_t ty, taps_t tx, int32_t row_t,
                                 int32_t col_t, int32_t oc0, int32_t *acc)
{
    pixel_sums(p, image, filter, ty, tx, row_t, col_t, oc0, 1, acc);
}

/* One output byte from a sum (fast: every channel's requantization takes dsp.h's short
 * path, checked once per call). */
static inline int8_t out_byte(int fast, int32_t acc, int32_t m, int32_t sh, int32_t zp,
                              int32_t zp2, int32_t lo, int32_t hi)
{
    if (fast) {
        return (int8_t)micro_requant_fast_out(acc, (int32_t)((uint32_t)m << 1), ~sh, zp2);
    }
    return (int8_t)micro_requant_out(acc, micro_requant_channel(m, sh), zp, zp2, lo, hi);
}

micro_status_t micro_transpose_conv_dsp(const micro_transpose_conv_params_t *p,
                                        const void *input, const int8_t *filter,
                                        const void *bias, const int32_t *multiplier,
                                        const int32_t *shift, void *output)
{
    if (p->width != 1) {
        return micro_transpose_conv(p, input, filter, bias, multiplier, shift, output);
    }
    const int32_t channels = p->output_depth;
    const int32_t zp = p->output_zp, zp2 = 1 + 2 * p->output_zp;
    const int fast = micro_requant_fast_ok(multiplier, shift, channels, p->act_min, p->act_max);
    const int32_t *b32 = bias;
    int8_t *out = output;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = (const int8_t *)input + (ptrdiff_t)b * p->input_height *
                                                          p->input_width * p->input_depth;
        for (int32_t y = 0; y < p->output_height; ++y) {
            const taps_t ty = taps(y, p->pad_top, p->stride_height, p->input_height,
                                   p->filter_height);
            for (int32_t x = 0; x < p->output_width; ++x) {
                const taps_t tx = taps(x, p->pad_left, p->stride_width, p->input_width,
                                       p->filter_width);
                const int32_t row_t = y + p->pad_top, col_t = x + p->pad_left;
                for (int32_t oc = 0; oc < channels;) {
                    int32_t acc[4] = {0, 0, 0, 0};
                    const int n = channels - oc >= 4 ? 4 : 1;
                    for (int j = 0; j < n && b32 != NULL; ++j) {
                        acc[j] = b32[oc + j];
                    }
                    if (n == 4) {
                        sums4(p, image, filter, ty, tx, row_t, col_t, oc, acc);
                    } else {
                        sums1(p, image, filter, ty, tx, row_t, col_t, oc, acc);
                    }
                    for (int j = 0; j < n; ++j, ++oc) {
                        *out++ = out_byte(fast, acc[j], multiplier[oc], shift[oc], zp, zp2,
                                          p->act_min, p->act_max);
                    }
                }
            }
        }
    }
    return MICRO_OK;
}
