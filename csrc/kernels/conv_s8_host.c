/*
 * CONV_2D int8 on AVX2, the host twin of micro_conv_s8 (conv_s8.c, its oracle: same bytes);
 * on CPUs with AVX-512BW it runs the 512-bit variant instead (conv_s8_host_avx512.c), and
 * with AVX512_VNNI the byte variant (conv_s8_host_vnni.c).
 *
 * Output pixels are taken in order, in chunks (across row ends) whose patches (int16,
 * input_zp outside the image, K rounded up to even) fit a buffer. Per chunk and
 * block of 16 output channels (8 when fewer remain), the block's weights are packed as
 * int16 pairs [K/2][16][2]; a pass then takes 4 pixels: per pair of patch values, one
 * broadcast per pixel and one multiply-add of pairs (VPMADDWD) per 8 channels adds 8
 * products to 8 accumulators, so sums need no horizontal reduction. |x|, |w| <= 128 keep
 * every pair sum and total (K <= MICRO_CONV_HOST_KMAX) exact in int32, as the reference's.
 * Requantization is the reference's, 8 lanes at a time.
 *
 * A chunk's outputs are written after all its patches are read: when a window is read,
 * only pixels before it have been written (with groups, a chunk is micro_conv_s8's pixel
 * pair, each group read before it is written, as there), so micro_conv_s8's overlap rule
 * (conv_s8.c) holds for this twin too.
 */
#include "micro/kernels/conv_s8_host.h"

#include <string.h>

#include "avx2.h"
#include "conv_pack.h"
#include "host_scratch.h"
#include "im2col.h"

#if MICRO_HOST_SIMD

#define NB 16           /* output channels per block: two 8-lane accumulators per pixel */
#define MR 4            /* pixels per pass */
#define ROWS 8192       /* int16 patch values the buffer holds: a chunk */

typedef struct {
    __m256i acc[MR][2];
} tile_t;

/* The sums of 4 patches (rows r[i], `pairs` int16 pairs each) with a packed block of
 * 8 * cols channels. */
MICRO_AVX2_FN static MICRO_ALWAYS_INLINE void pass(const int16_t *const r[MR], const int16_t *wt,
                                                   int32_t pairs, int32_t cols, tile_t *t)
{
    __m256i a00 = _mm256_setzero_si256(), a01 = a00, a10 = a00, a11 = a00;
    __m256i a20 = a00, a21 = a00, a30 = a00, a31 = a00;
    for (int32_t j = 0; j < pairs; ++j, wt += 16 * cols) {
        int32_t v[MR];
        memcpy(&v[0], r[0] + 2 * j, 4);
        memcpy(&v[1], r[1] + 2 * j, 4);
        memcpy(&v[2], r[2] + 2 * j, 4);
        memcpy(&v[3], r[3] + 2 * j, 4);
        const __m256i x0 = _mm256_set1_epi32(v[0]), x1 = _mm256_set1_epi32(v[1]);
        const __m256i x2 = _mm256_set1_epi32(v[2]), x3 = _mm256_set1_epi32(v[3]);
        const __m256i w0 = _mm256_load_si256((const __m256i *)wt);
        a00 = _mm256_add_epi32(a00, _mm256_madd_epi16(x0, w0));
        a10 = _mm256_add_epi32(a10, _mm256_madd_epi16(x1, w0));
        a20 = _mm256_add_epi32(a20, _mm256_madd_epi16(x2, w0));
        a30 = _mm256_add_epi32(a30, _mm256_madd_epi16(x3, w0));
        if (cols == 2) {
            const __m256i w1 = _mm256_load_si256((const __m256i *)(wt + 16));
            a01 = _mm256_add_epi32(a01, _mm256_madd_epi16(x0, w1));
            a11 = _mm256_add_epi32(a11, _mm256_madd_epi16(x1, w1));
            a21 = _mm256_add_epi32(a21, _mm256_madd_epi16(x2, w1));
            a31 = _mm256_add_epi32(a31, _mm256_madd_epi16(x3, w1));
        }
    }
    t->acc[0][0] = a00, t->acc[0][1] = a01, t->acc[1][0] = a10, t->acc[1][1] = a11;
    t->acc[2][0] = a20, t->acc[2][1] = a21, t->acc[3][0] = a30, t->acc[3][1] = a31;
}

/* A block's per-channel values, padded with zeros to NB lanes. */
typedef struct {
    int32_t bias[NB], multiplier[NB], shift[NB];
} block_t;

/* The patches and packed weights, in the thread's host scratch (host_scratch.h): not on
 * the stack, where they would make a frame of 49 KiB. */
typedef struct {
    int16_t rows[ROWS] __attribute__((aligned(32)));
    int16_t wt[MICRO_CONV_HOST_KMAX * NB] __attribute__((aligned(32)));
} buffers_t;
MICRO_HOST_SCRATCH_FITS(buffers_t);

typedef struct {
    __m256i zp, lo, hi;
} range_t;

/* Requantizes the tile's first m pixels' sums of an n-channel block (nb lanes of which are
 * computed) into out, out_step bytes apart. */
MICRO_AVX2_FN static MICRO_ALWAYS_INLINE void finish(const tile_t *t, int32_t m, int32_t n,
                                                     int32_t nb, const block_t *blk,
                                                     range_t r, int8_t *out, int64_t out_step)
{
    for (int32_t i = 0; i < m; ++i, out += out_step) {
        __m256i v[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
        for (int32_t h = 0; h < nb / 8; ++h) {
            const __m256i total = _mm256_add_epi32(
                t->acc[i][h], _mm256_load_si256((const __m256i *)(blk->bias + 8 * h)));
            v[h] = micro_requantize8(total,
                                     _mm256_load_si256((const __m256i *)(blk->multiplier + 8 * h)),
                                     _mm256_load_si256((const __m256i *)(blk->shift + 8 * h)),
                                     r.zp, r.lo, r.hi);
        }
        const __m128i bytes = micro_narrow16(v[0], v[1]);
        if (n == 16) {
            _mm_storeu_si128((__m128i *)out, bytes);
        } else if (n == 8) {
            _mm_storel_epi64((__m128i *)out, bytes);
        } else {
            int8_t tmp[NB];
            _mm_storeu_si128((__m128i *)tmp, bytes);
            memcpy(out, tmp, (size_t)n);
        }
    }
}

/* One block of n <= nb channels over a chunk's n_pix gathered patches. */
MICRO_AVX2_FN static MICRO_ALWAYS_INLINE void block(const int16_t *rows, int32_t kp, int32_t n_pix,
                                                    const int16_t *wt, int32_t n, int32_t nb,
                                                    const block_t *blk, range_t r, int8_t *out,
                                                    int64_t out_step)
{
    for (int32_t i0 = 0; i0 < n_pix; i0 += MR) {
        const int32_t m = n_pix - i0 < MR ? n_pix - i0 : MR;
        const int16_t *rr[MR];
        for (int32_t i = 0; i < MR; ++i) {
            rr[i] = rows + (int64_t)(i0 + (i < m ? i : m - 1)) * kp;
        }
        tile_t t;
        pass(rr, wt, kp / 2, nb / 8, &t);
        finish(&t, m, n, nb, blk, r, out + i0 * out_step, out_step);
    }
}

MICRO_AVX2_FN static void conv_avx2(const micro_conv_s8_params_t *p, const int8_t *input,
                                    const int8_t *filter, const int32_t *bias,
                                    const int32_t *multiplier, const int32_t *shift,
                                    int8_t *output)
{
    const int32_t k = p->filter_height * p->filter_width * p->filter_depth;
    const int32_t kp = (k + 1) & ~1, pairs = kp / 2;
    const int32_t row = (k + MICRO_CONV_S8_K_ALIGN - 1) / MICRO_CONV_S8_K_ALIGN *
                        MICRO_CONV_S8_K_ALIGN;
    const int32_t out_w = p->output_width, depth_out = p->output_depth, groups = p->groups;
    const int32_t pixels = p->output_height * out_w, per_group = depth_out / groups;
    /* With groups, a chunk is the reference's pixel pair: it reads a pair's next group after
     * writing its last one, so a longer chunk would read past pixels it has written. */
    const int32_t fit = groups > 1 ? MICRO_CONV_S8_SCRATCH_ROWS : ROWS / kp;
    const int32_t chunk = fit < pixels ? fit : pixels;
    const int64_t image_size = (int64_t)p->input_height * p->input_width * p->input_depth;
    const range_t r = {_mm256_set1_epi32(p->output_zp), _mm256_set1_epi32(p->act_min),
                       _mm256_set1_epi32(p->act_max)};
    buffers_t *const buf = micro_host_scratch();
    int16_t *const rows = buf->rows, *const wt = buf->wt;
    block_t blk __attribute__((aligned(32)));
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + b * image_size;
        int8_t *out_image = output + (int64_t)b * pixels * depth_out;
        for (int32_t pix0 = 0; pix0 < pixels; pix0 += chunk) {
            const int32_t n_pix = pixels - pix0 < chunk ? pixels - pix0 : chunk;
            int8_t *out = out_image + (int64_t)pix0 * depth_out;
            for (int32_t g = 0; g < groups; ++g) {
                for (int32_t i = 0; i < n_pix; ++i) {
                    const int32_t pix = pix0 + i;
                    im2col_gather(p, image, pix / out_w, pix % out_w, g, rows + i * kp);
                    if (k < kp) {
                        rows[i * kp + k] = 0; /* meets the filter row's zero padding */
                    }
                }
                const int32_t last = (g + 1) * per_group;
                for (int32_t o = g * per_group; o < last; o += NB) {
                    const int32_t n = last - o < NB ? last - o : NB;
                    const int32_t nb = n <= 8 ? 8 : NB;
                    micro_conv_pack_pairs(filter, row, o, n, nb, pairs, wt);
                    micro_conv_block_constants(bias, multiplier, shift, o, n, NB, blk.bias,
                                               blk.multiplier, blk.shift);
                    if (nb == 8) {
                        block(rows, kp, n_pix, wt, n, 8, &blk, r, out + o, depth_out);
                    } else {
                        block(rows, kp, n_pix, wt, n, NB, &blk, r, out + o, depth_out);
                    }
                }
            }
        }
    }
}

#endif

/* The variant micro_conv_s8_host may run at most (micro_conv_s8_host_variant). */
static int32_t variant_cap = 3;

int32_t micro_conv_s8_host_variant(int32_t cap)
{
    return micro_host_variant(&variant_cap, cap, 3);
}

micro_status_t micro_conv_s8_host(const micro_conv_s8_params_t *p, const int8_t *input,
                                  const int8_t *filter, const int32_t *bias,
                                  const int32_t *multiplier, const int32_t *shift,
                                  int16_t *scratch, int8_t *output)
{
#if MICRO_HOST_SIMD
    if (p->filter_layout == 0 &&
        p->filter_height * p->filter_width * p->filter_depth <= MICRO_CONV_HOST_KMAX) {
        const int32_t variant = micro_conv_s8_host_variant(-1);
        if (variant == 3) {
            micro_conv_s8_vnni(p, input, filter, bias, multiplier, shift, output);
            return MICRO_OK;
        }
        if (variant == 2) {
            micro_conv_s8_avx512(p, input, filter, bias, multiplier, shift, output);
            return MICRO_OK;
        }
        if (variant >= 1) {
            conv_avx2(p, input, filter, bias, multiplier, shift, output);
            return MICRO_OK;
        }
    }
#endif
    return micro_conv_s8(p, input, filter, bias, multiplier, shift, scratch, output);
}
