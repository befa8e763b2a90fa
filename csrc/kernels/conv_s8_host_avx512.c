/*
 * CONV_2D int8 on AVX-512 (BW + VL): the 512-bit variant of the host twin micro_conv_s8_host (conv_s8_host.c), which chooses it at run time; same bytes
 * as micro_conv_s8 (conv_s8.c), the oracle.
 *
 * The scheme is the AVX2 variant's, twice as wide and twice as tall: per chunk of output
 * pixels their patches are gathered (int16, input_zp outside the image, K rounded up to
 * even); per block of 32 output channels (16 when no more than 16 remain, or when K is
 * long enough that 32 channels' weights would not stay in L1) the weights are packed as
 * int16 pairs [K/2][32][2]; a pass takes 8 pixels, and per pair of patch values
 * broadcasts each pixel's pair and multiply-adds it into 16 channels' 32-bit sums per
 * register (VPMADDWD then VPADDD). |x|, |w| <= 128 keep every pair sum and total
 * (K <= MICRO_CONV_HOST_KMAX) exact in int32, as the reference's. Requantization is the
 * AVX2 variant's, 16 lanes wide (micro_requantize16, avx512.h). CPUs with AVX512_VNNI run
 * the byte variant instead (conv_s8_host_vnni.c).
 *
 * A chunk's outputs are written after all its patches are read, with groups a chunk being
 * the reference's pixel pair, as in the AVX2 variant: micro_conv_s8's overlap rule holds.
 */
#include "conv_pack.h"

#include <string.h>

#include "avx512.h"
#include "host_scratch.h"
#include "im2col.h"

#if MICRO_HOST_SIMD

#define NB 32       /* output channels per block: two 16-lane accumulators per pixel */
#define MR 8        /* pixels per pass */
#define ROWS 8192   /* int16 patch values the buffer holds: a chunk (it stays in L1) */

typedef struct {
    __m512i acc[MR][2];
} tile_t;

/* A block's per-channel values, padded with zeros to NB lanes. */
typedef struct {
    int32_t bias[NB], multiplier[NB], shift[NB];
} block_t;

/* The patches and packed weights, in the thread's host scratch (host_scratch.h): not on
 * the stack, where they would make a frame of 90 KiB. */
typedef struct {
    int16_t rows[ROWS] __attribute__((aligned(64)));
    int16_t wt[MICRO_CONV_HOST_KMAX * NB] __attribute__((aligned(64)));
} buffers_t;
MICRO_HOST_SCRATCH_FITS(buffers_t);

typedef struct {
    __m512i zp, lo, hi;
} range_t;

/* acc + the pair products x * w, 16 lanes (VPMADDWD then VPADDD). */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE __m512i madd(__m512i acc, __m512i x, __m512i w)
{
    return _mm512_add_epi32(acc, _mm512_madd_epi16(x, w));
}

/* The sums of 8 patches (rows r[i], `pairs` int16 pairs each) with a packed block of
 * 16 * cols channels. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void pass(const int16_t *const r[MR], const int16_t *wt,
                                                     int32_t pairs, int32_t cols, tile_t *t)
{
    __m512i a[MR][2];
    for (int32_t i = 0; i < MR; ++i) {
        a[i][0] = a[i][1] = _mm512_setzero_si512();
    }
    for (int32_t j = 0; j < pairs; ++j, wt += 32 * cols) {
        const __m512i w0 = _mm512_load_si512((const void *)wt);
        const __m512i w1 = cols == 2 ? _mm512_load_si512((const void *)(wt + 32)) : w0;
        for (int32_t i = 0; i < MR; ++i) {
            int32_t v;
            memcpy(&v, r[i] + 2 * j, 4);
            const __m512i x = _mm512_set1_epi32(v);
            a[i][0] = madd(a[i][0], x, w0);
            if (cols == 2) {
                a[i][1] = madd(a[i][1], x, w1);
            }
        }
    }
    for (int32_t i = 0; i < MR; ++i) {
        t->acc[i][0] = a[i][0];
        t->acc[i][1] = a[i][1];
    }
}

/* Requantizes the tile's first m pixels' sums of an n-channel block (nb lanes of which are
 * computed) into out, out_step bytes apart. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void finish(const tile_t *t, int32_t m, int32_t n,
                                                       int32_t nb, const block_t *blk,
                                                       range_t r, int8_t *out, int64_t out_step)
{
    for (int32_t i = 0; i < m; ++i, out += out_step) {
        for (int32_t h = 0; h < nb / 16; ++h) {
            const __m512i total = _mm512_add_epi32(t->acc[i][h], _mm512_load_si512(blk->bias + 16 * h));
            const __m512i v = micro_requantize16(total, _mm512_load_si512(blk->multiplier + 16 * h),
                                                 _mm512_load_si512(blk->shift + 16 * h), r.zp,
                                                 r.lo, r.hi);
            /* 16 int8 (the values are inside [-128, 127]: the saturating narrowing keeps
             * them), as many as the block has channels left. */
            const __m128i bytes = _mm512_cvtsepi32_epi8(v);
            const int32_t rest = n - 16 * h;
            if (rest >= 16) {
                _mm_storeu_si128((__m128i *)(out + 16 * h), bytes);
            } else {
                _mm_mask_storeu_epi8(out + 16 * h, (__mmask16)((1u << rest) - 1), bytes);
            }
        }
    }
}

/* One block of n <= nb channels over a chunk's n_pix gathered patches. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void block(const int16_t *rows, int32_t kp,
                                                      int32_t n_pix, const int16_t *wt, int32_t n,
                                                      int32_t nb, const block_t *blk, range_t r,
                                                      int8_t *out, int64_t out_step)
{
    for (int32_t i0 = 0; i0 < n_pix; i0 += MR) {
        const int32_t m = n_pix - i0 < MR ? n_pix - i0 : MR;
        const int16_t *rr[MR];
        for (int32_t i = 0; i < MR; ++i) {
            rr[i] = rows + (int64_t)(i0 + (i < m ? i : m - 1)) * kp;
        }
        tile_t t;
        pass(rr, wt, kp / 2, nb / 16, &t);
        finish(&t, m, n, nb, blk, r, out + i0 * out_step, out_step);
    }
}

/* n int8 from src widened to int16 into dst, 32 at a time through masked loads and
 * stores (no access past either end). */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void widen(int16_t *dst, const int8_t *src, int32_t n)
{
    for (int32_t i = 0; i < n; i += 32) {
        const int32_t m = n - i < 32 ? n - i : 32;
        const __mmask32 mask = m == 32 ? 0xFFFFFFFFu : (1u << m) - 1;
        _mm512_mask_storeu_epi16(dst + i, mask,
                                 _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(mask, src + i)));
    }
}

/* The patch of output pixel (oy, ox) for group g, as im2col_gather writes it; a window
 * wholly inside the image (no groups, no dilation across) is widened here, row by row,
 * with no call. */
MICRO_AVX512_FN static MICRO_ALWAYS_INLINE void gather(const micro_conv_s8_params_t *p,
                                                       const int8_t *image, int32_t oy,
                                                       int32_t ox, int32_t g, int16_t *row)
{
    const int32_t fh = p->filter_height, fw = p->filter_width, channels = p->input_depth;
    const int32_t iy0 = oy * p->stride_height - p->pad_top;
    const int32_t ix0 = ox * p->stride_width - p->pad_left;
    if (p->groups != 1 || p->dilation_width != 1 || ix0 < 0 || ix0 + fw > p->input_width ||
        iy0 < 0 || iy0 + (fh - 1) * p->dilation_height >= p->input_height) {
        im2col_gather(p, image, oy, ox, g, row);
        return;
    }
    const int32_t span = fw * channels;
    for (int32_t fy = 0; fy < fh; ++fy) {
        const int64_t iy = iy0 + fy * p->dilation_height;
        widen(row + fy * span, image + (iy * p->input_width + ix0) * channels, span);
    }
}

/* The two instances: 16 or 32 lanes. */
MICRO_AVX512_FN static void block16(const int16_t *rows, int32_t kp, int32_t n_pix,
                                    const int16_t *wt, int32_t n, const block_t *blk, range_t r,
                                    int8_t *out, int64_t out_step)
{
    block(rows, kp, n_pix, wt, n, 16, blk, r, out, out_step);
}

MICRO_AVX512_FN static void block32(const int16_t *rows, int32_t kp, int32_t n_pix,
                                    const int16_t *wt, int32_t n, const block_t *blk, range_t r,
                                    int8_t *out, int64_t out_step)
{
    block(rows, kp, n_pix, wt, n, 32, blk, r, out, out_step);
}

MICRO_AVX512_FN void micro_conv_s8_avx512(const micro_conv_s8_params_t *p, const int8_t *input,
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
    const range_t r = {_mm512_set1_epi32(p->output_zp), _mm512_set1_epi32(p->act_min),
                       _mm512_set1_epi32(p->act_max)};
    /* Patches that are the input's own bytes in order (widening them is the gather): no
     * groups, an even K (so no pair is padded), no padding, and output rows as wide as
     * the input's. */
    const int contiguous = groups == 1 && k % 2 == 0 && p->filter_height == 1 &&
                           p->filter_width == 1 && p->stride_height == 1 &&
                           p->stride_width == 1 && p->pad_top == 0 && p->pad_left == 0 &&
                           out_w == p->input_width && p->output_height <= p->input_height;
    /* Blocks of 32 channels while their packed weights fit in half of a 32 KiB L1 (every
     * pass of 8 pixels reads them all), else of 16. */
    const int32_t step = kp * NB * (int32_t)sizeof(int16_t) <= 16384 ? NB : 16;
    buffers_t *const buf = micro_host_scratch();
    int16_t *const rows = buf->rows, *const wt = buf->wt;
    block_t blk __attribute__((aligned(64)));
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *image = input + b * image_size;
        int8_t *out_image = output + (int64_t)b * pixels * depth_out;
        for (int32_t pix0 = 0; pix0 < pixels; pix0 += chunk) {
            const int32_t n_pix = pixels - pix0 < chunk ? pixels - pix0 : chunk;
            int8_t *out = out_image + (int64_t)pix0 * depth_out;
            for (int32_t g = 0; g < groups; ++g) {
                if (contiguous) {
                    /* A 1x1 window at stride 1 over whole rows: the chunk's patches are
                     * n_pix * k consecutive input values, widened in one loop. */
                    const int8_t *src = image + (int64_t)pix0 * k;
                    for (int32_t i = 0; i < n_pix * k; ++i) {
                        rows[i] = src[i];
                    }
                }
                for (int32_t i = 0; !contiguous && i < n_pix; ++i) {
                    const int32_t pix = pix0 + i;
                    gather(p, image, pix / out_w, pix % out_w, g, rows + i * kp);
                    if (k < kp) {
                        rows[i * kp + k] = 0; /* meets the filter row's zero padding */
                    }
                }
                const int32_t last = (g + 1) * per_group;
                for (int32_t o = g * per_group; o < last; o += step) {
                    const int32_t n = last - o < step ? last - o : step;
                    const int32_t nb = n <= 16 ? 16 : NB;
                    micro_conv_pack_pairs(filter, row, o, n, nb, pairs, wt);
                    micro_conv_block_constants(bias, multiplier, shift, o, n, NB, blk.bias,
                                               blk.multiplier, blk.shift);
                    (nb == 16 ? block16 : block32)(rows, kp, n_pix, wt, n, &blk, r, out + o, depth_out);
                }
            }
        }
    }
}

#endif
