/*
 * DEPTHWISE_CONV_2D int8 on AVX2, the host twin of micro_depthwise_conv_s8
 * (depthwise_conv_s8.c, its oracle: same bytes), for a depth multiplier of 1 and
 * filter layout 0 (the host's; layout 1 runs the reference); on CPUs with AVX-512BW it
 * runs the 512-bit variant instead (depthwise_conv_s8_host_avx512.c).
 *
 * Output pixels in order; per pixel, channels in blocks of up to 32 held in four 8-lane
 * int32 accumulators; each window tap adds the products of 8 sign-extended inputs and
 * weights per lane group (a tap outside the image adds input_zp * weight, as the
 * reference does), then the reference's requantization runs 8 lanes at a time. A channel
 * count that is not a multiple of 8 reads and writes its last lanes through a small
 * buffer, so no access leaves the tensors. Pixel by pixel, like the reference, so its
 * overlap rule holds.
 */
#include "micro/kernels/depthwise_conv_s8_host.h"

#include <string.h>

#include "micro/config.h"
#include "avx512.h"

#if MICRO_HOST_SIMD

#define LANES 8
#define VECS 4 /* 8-lane accumulators per block of channels */

/* n (<= 8) int8 from src, sign-extended to 8 int32 lanes (zero past n). */
MICRO_AVX2_FN static inline __m256i load8(const int8_t *src, int32_t n)
{
    int64_t bits = 0;
    memcpy(&bits, src, n < LANES ? (size_t)n : LANES);
    return _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(bits));
}

/* n (<= 8) int32 from src into 8 lanes (zero past n). */
MICRO_AVX2_FN static inline __m256i load8_s32(const int32_t *src, int32_t n)
{
    if (n >= LANES) {
        return _mm256_loadu_si256((const __m256i *)src);
    }
    int32_t lanes[LANES] = {0};
    memcpy(lanes, src, (size_t)n * sizeof *src);
    return _mm256_loadu_si256((const __m256i *)lanes);
}

/* 8 int8 from src, sign-extended to 8 int32 lanes. */
MICRO_AVX2_FN static inline __m256i load8_full(const int8_t *src)
{
    return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)src));
}

typedef struct {
    const micro_depthwise_conv_s8_params_t *p;
    const int8_t *image; /* the batch's image, at the block's first channel */
    const int8_t *filter; /* at the block's first channel */
    int32_t iy0, ix0;
} window_t;

/* The window sums of `vecs` lane groups (n channels, n = 8 * vecs when `full`). */
MICRO_AVX2_FN static MICRO_ALWAYS_INLINE void window(const window_t *win, int32_t n, int32_t vecs,
                                                     int full, __m256i *acc)
{
    const micro_depthwise_conv_s8_params_t *p = win->p;
    const int32_t channels = p->input_depth, width = p->input_width;
    const __m256i in_zp = _mm256_set1_epi32(p->input_zp);
    for (int32_t v = 0; v < vecs; ++v) {
        acc[v] = _mm256_setzero_si256();
    }
    for (int32_t fy = 0; fy < p->filter_height; ++fy) {
        const int32_t iy = win->iy0 + fy * p->dilation_height;
        const int y_in = iy >= 0 && iy < p->input_height;
        const int8_t *line = win->image + (int64_t)iy * width * channels;
        const int8_t *w = win->filter + (int64_t)fy * p->filter_width * channels;
        for (int32_t fx = 0; fx < p->filter_width; ++fx, w += channels) {
            const int32_t ix = win->ix0 + fx * p->dilation_width;
            const int8_t *x = line + (int64_t)ix * channels;
            const int inside = y_in && ix >= 0 && ix < width;
            for (int32_t v = 0; v < vecs; ++v) {
                const int32_t m = n - v * LANES;
                const __m256i wv = full ? load8_full(w + v * LANES) : load8(w + v * LANES, m);
                const __m256i xv = !inside ? in_zp
                                   : full  ? load8_full(x + v * LANES)
                                           : load8(x + v * LANES, m);
                acc[v] = _mm256_add_epi32(acc[v], _mm256_mullo_epi32(xv, wv));
            }
        }
    }
}

MICRO_AVX2_FN static void depthwise_avx2(const micro_depthwise_conv_s8_params_t *p,
                                         const int8_t *input, const int8_t *filter,
                                         const int32_t *bias, const int32_t *multiplier,
                                         const int32_t *shift, int8_t *output)
{
    const int32_t channels = p->input_depth, out_h = p->output_height, out_w = p->output_width;
    const __m256i out_zp = _mm256_set1_epi32(p->output_zp);
    const __m256i lo = _mm256_set1_epi32(p->act_min), hi = _mm256_set1_epi32(p->act_max);
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + (int64_t)b * p->input_height * p->input_width * channels;
        for (int32_t oy = 0; oy < out_h; ++oy) {
            for (int32_t ox = 0; ox < out_w; ++ox) {
                int8_t *out = output + (((int64_t)b * out_h + oy) * out_w + ox) * channels;
                for (int32_t c0 = 0; c0 < channels; c0 += VECS * LANES) {
                    const int32_t n = channels - c0 < VECS * LANES ? channels - c0 : VECS * LANES;
                    const int32_t vecs = (n + LANES - 1) / LANES;
                    const window_t win = {p, image + c0, filter + c0,
                                          oy * p->stride_height - p->pad_top,
                                          ox * p->stride_width - p->pad_left};
                    __m256i acc[VECS];
                    /* Constant lane counts for whole lane groups: straight-line code. */
                    switch (n % LANES ? 0 : vecs) {
                    case 4: window(&win, n, 4, 1, acc); break;
                    case 3: window(&win, n, 3, 1, acc); break;
                    case 2: window(&win, n, 2, 1, acc); break;
                    case 1: window(&win, n, 1, 1, acc); break;
                    default: window(&win, n, vecs, 0, acc); break;
                    }
                    __m256i r[VECS];
                    for (int32_t v = 0; v < VECS; ++v) {
                        const int32_t c = c0 + v * LANES, m = n - v * LANES;
                        r[v] = v < vecs ? micro_requantize8(
                                              _mm256_add_epi32(acc[v], load8_s32(bias + c, m)),
                                              load8_s32(multiplier + c, m),
                                              load8_s32(shift + c, m), out_zp, lo, hi)
                                        : _mm256_setzero_si256();
                    }
                    int8_t bytes[VECS * LANES];
                    _mm_storeu_si128((__m128i *)bytes, micro_narrow16(r[0], r[1]));
                    _mm_storeu_si128((__m128i *)(bytes + 16), micro_narrow16(r[2], r[3]));
                    /* Constant sizes for whole lane groups: plain stores, no call. */
                    switch (n % LANES ? 0 : vecs) {
                    case 4: memcpy(out + c0, bytes, 32); break;
                    case 3: memcpy(out + c0, bytes, 24); break;
                    case 2: memcpy(out + c0, bytes, 16); break;
                    case 1: memcpy(out + c0, bytes, 8); break;
                    default: memcpy(out + c0, bytes, (size_t)n); break;
                    }
                }
            }
        }
    }
}

#endif

/* The variant micro_depthwise_conv_s8_host may run at most
 * (micro_depthwise_conv_s8_host_variant); 4, the default, also picks by channel count. */
static int32_t variant_cap = 4;

int32_t micro_depthwise_conv_s8_host_variant(int32_t cap)
{
    return micro_host_variant(&variant_cap, cap, 3);
}

micro_status_t micro_depthwise_conv_s8_host(const micro_depthwise_conv_s8_params_t *p,
                                            const int8_t *input, const int8_t *filter,
                                            const int32_t *bias, const int32_t *multiplier,
                                            const int32_t *shift, int8_t *output)
{
#if MICRO_HOST_SIMD
    if (p->depth_multiplier == 1 && p->filter_layout == 0) {
        const int32_t variant = micro_depthwise_conv_s8_host_variant(-1);
        /* Pixel by pixel, fewer than 64 channels leave the 512-bit variant's blocks part
         * empty: there the AVX2 loops measured faster (vww's stride-2 layers of 16 and 32
         * channels); its row mode (stride_width 1, C a multiple or divisor of 16) fills
         * them whatever C. Tests force it on every layer. */
        const int32_t c = p->input_depth;
        const int rows = p->stride_width == 1 && (c % 16 == 0 || 16 % c == 0);
        const int wide = c >= 64 || rows || variant_cap <= 3;
        if (variant >= 2 && wide && micro_depthwise_conv_s8_avx512(p, input, filter, bias, multiplier,
                                                           shift, output, variant == 3)) {
            return MICRO_OK;
        }
        if (variant >= 1) {
            depthwise_avx2(p, input, filter, bias, multiplier, shift, output);
            return MICRO_OK;
        }
    }
#endif
    return micro_depthwise_conv_s8(p, input, filter, bias, multiplier, shift, output);
}
