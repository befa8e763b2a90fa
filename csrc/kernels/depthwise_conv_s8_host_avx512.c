/*
 * DEPTHWISE_CONV_2D int8 on AVX-512 (BW + VL, and VNNI where present): the 512-bit
 * variant of the host twin micro_depthwise_conv_s8_host (depthwise_conv_s8_host.c), which
 * chooses it at run time; same bytes as micro_depthwise_conv_s8 (depthwise_conv_s8.c), the
 * oracle. Depth multiplier 1, filter layout 0, as the AVX2 variant.
 *
 * The weights are widened once per call into a stack table of 32-bit words, one per tap
 * and channel, holding the weight as int16 in the low half and 0 in the high half. An
 * input byte sign-extended to 32 bits is, as an int16 pair, (x, 0 or -1), so the pair
 * multiply-add of the two, VPMADDWD (or VPDPWSSD with AVX512_VNNI, which also adds it to
 * the sum), gives x * w + (0 or -1) * 0 = x * w exactly: one instruction per 16 products
 * instead of VPMULLD's two. Output pixels in order; per pixel, channels in blocks of up to
 * 64 (four 16-lane sums); a tap outside the image adds input_zp * weight as the reference
 * does; a channel count that is not a multiple of 16 reads and writes its last lanes
 * through masked loads and stores, so no access leaves the tensors. Requantization is
 * micro_requantize16 (avx512.h). Pixel by pixel, like the reference, so its overlap rule
 * holds.
 */
#include "micro/kernels/depthwise_conv_s8_host.h"

#include <string.h>

#include "avx512.h"

#if MICRO_HOST_SIMD

#define LANES 16
#define VECS 4         /* 16-lane sums per block of channels */
#define CMAX 1024      /* channels the stack's per-channel tables hold */
#define WMAX 9216      /* tap-channel words the stack's weight table holds */

/* acc + x * w per lane (both int16 pairs; see above). VPDPWSSD is written as asm so that
 * one source serves both variants: as an intrinsic it would need the VNNI target on
 * every function it is inlined into; `vnni` is a constant at each call. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE __m512i madd(__m512i acc, __m512i x, __m512i w,
                                                       int vnni)
{
    if (vnni) {
        __asm__("vpdpwssd %2, %1, %0" : "+v"(acc) : "v"(x), "v"(w));
        return acc;
    }
    return _mm512_add_epi32(acc, _mm512_madd_epi16(x, w));
}

typedef struct {
    const micro_depthwise_conv_s8_params_t *p;
    const int32_t *weights;                 /* [taps][cp] words (see above) */
    const int32_t *bias, *multiplier, *shift; /* [cp], zero past the channels */
    int32_t cp;                             /* channels rounded up to 16 */
} tables_t;

/* The window sums of `vecs` 16-lane groups of channels from c0 (masks[v]: the lanes
 * that are channels), at input pixel (iy0, ix0) of the batch's image. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void window(const tables_t *tb, const int8_t *image,
                                                       int32_t iy0, int32_t ix0, int32_t c0,
                                                       int32_t vecs, const __mmask16 *masks,
                                                       __m512i *acc, int vnni)
{
    const micro_depthwise_conv_s8_params_t *p = tb->p;
    const int32_t channels = p->input_depth, width = p->input_width;
    const __m512i in_zp = _mm512_set1_epi32(p->input_zp);
    for (int32_t v = 0; v < vecs; ++v) {
        acc[v] = _mm512_setzero_si512();
    }
    const int32_t *w = tb->weights + c0;
    for (int32_t fy = 0; fy < p->filter_height; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_height;
        const int y_in = iy >= 0 && iy < p->input_height;
        const int8_t *line = image + (int64_t)iy * width * channels + c0;
        for (int32_t fx = 0; fx < p->filter_width; ++fx, w += tb->cp) {
            const int32_t ix = ix0 + fx * p->dilation_width;
            if (y_in && ix >= 0 && ix < width) {
                const int8_t *x = line + (int64_t)ix * channels;
                for (int32_t v = 0; v < vecs; ++v) {
                    const __m512i xv =
                        _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(masks[v], x + v * LANES));
                    acc[v] = madd(acc[v], xv, _mm512_loadu_si512(w + v * LANES), vnni);
                }
            } else {
                for (int32_t v = 0; v < vecs; ++v) {
                    acc[v] = madd(acc[v], in_zp, _mm512_loadu_si512(w + v * LANES), vnni);
                }
            }
        }
    }
}

MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void run(const tables_t *tb, const int8_t *input,
                                                    int8_t *output, int vnni)
{
    const micro_depthwise_conv_s8_params_t *p = tb->p;
    const int32_t channels = p->input_depth, out_h = p->output_height, out_w = p->output_width;
    const __m512i out_zp = _mm512_set1_epi32(p->output_zp);
    const __m512i lo = _mm512_set1_epi32(p->act_min), hi = _mm512_set1_epi32(p->act_max);
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + (int64_t)b * p->input_height * p->input_width * channels;
        for (int32_t oy = 0; oy < out_h; ++oy) {
            for (int32_t ox = 0; ox < out_w; ++ox) {
                int8_t *out = output + (((int64_t)b * out_h + oy) * out_w + ox) * channels;
                const int32_t iy0 = oy * p->stride_height - p->pad_top;
                const int32_t ix0 = ox * p->stride_width - p->pad_left;
                for (int32_t c0 = 0; c0 < channels; c0 += VECS * LANES) {
                    const int32_t n = channels - c0 < VECS * LANES ? channels - c0 : VECS * LANES;
                    const int32_t vecs = (n + LANES - 1) / LANES;
                    __mmask16 masks[VECS];
                    for (int32_t v = 0; v < VECS; ++v) {
                        const int32_t m = n - v * LANES;
                        masks[v] = m >= LANES ? (__mmask16)0xFFFF
                                   : m > 0    ? (__mmask16)((1u << m) - 1)
                                              : (__mmask16)0;
                    }
                    __m512i acc[VECS];
                    /* Constant group counts: straight-line code. */
                    switch (vecs) {
                    case 4: window(tb, image, iy0, ix0, c0, 4, masks, acc, vnni); break;
                    case 3: window(tb, image, iy0, ix0, c0, 3, masks, acc, vnni); break;
                    case 2: window(tb, image, iy0, ix0, c0, 2, masks, acc, vnni); break;
                    default: window(tb, image, iy0, ix0, c0, 1, masks, acc, vnni); break;
                    }
                    for (int32_t v = 0; v < vecs; ++v) {
                        const int32_t c = c0 + v * LANES;
                        const __m512i total =
                            _mm512_add_epi32(acc[v], _mm512_loadu_si512(tb->bias + c));
                        const __m512i r = micro_requantize16(
                            total, _mm512_loadu_si512(tb->multiplier + c),
                            _mm512_loadu_si512(tb->shift + c), out_zp, lo, hi);
                        /* 16 int8 (inside [-128, 127]: the saturating narrowing keeps them),
                         * as many as are channels. */
                        _mm_mask_storeu_epi8(out + c, masks[v], _mm512_cvtsepi32_epi8(r));
                    }
                }
            }
        }
    }
}

MICRO_AVX512_FN static void run_bw(const tables_t *tb, const int8_t *input, int8_t *output)
{
    run(tb, input, output, 0);
}

MICRO_AVX512_FN static void run_vnni(const tables_t *tb, const int8_t *input, int8_t *output)
{
    run(tb, input, output, 1);
}

int micro_depthwise_conv_s8_avx512(const micro_depthwise_conv_s8_params_t *p,
                                   const int8_t *input, const int8_t *filter,
                                   const int32_t *bias, const int32_t *multiplier,
                                   const int32_t *shift, int8_t *output, int vnni)
{
    const int32_t channels = p->input_depth, taps = p->filter_height * p->filter_width;
    const int32_t cp = (channels + LANES - 1) / LANES * LANES;
    if (cp > CMAX || (int64_t)taps * cp > WMAX) {
        return 0;
    }
    int32_t weights[WMAX], b[CMAX], m[CMAX], s[CMAX];
    for (int32_t t = 0; t < taps; ++t) {
        for (int32_t c = 0; c < cp; ++c) {
            /* the weight as int16 in the low half, 0 in the high half */
            weights[t * cp + c] = c < channels ? (int32_t)(uint16_t)(int16_t)filter[t * channels + c]
                                               : 0;
        }
    }
    for (int32_t c = 0; c < cp; ++c) {
        b[c] = c < channels ? bias[c] : 0;
        m[c] = c < channels ? multiplier[c] : 0;
        s[c] = c < channels ? shift[c] : 0;
    }
    const tables_t tb = {p, weights, b, m, s, cp};
    (vnni ? run_vnni : run_bw)(&tb, input, output);
    return 1;
}

#endif
