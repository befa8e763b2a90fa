/*
 * CONV_2D int8 through AVX512_VNNI's VPDPBUSD: the byte variant of the host twin
 * micro_conv_s8_host (conv_s8_host.c), which chooses it at run time; same bytes as
 * micro_conv_s8 (conv_s8.c), the oracle.
 *
 * VPDPBUSD multiplies unsigned bytes by signed bytes, four per 32-bit lane, and adds the
 * four products to the lane. The patches are therefore gathered as u = x + 128 (x XOR
 * 0x80: 0..255), K rounded up to a multiple of 4 (padding values meet zero weights), and
 *   sum_k x_k * w_k = sum_k u_k * w_k - 128 * sum_k w_k,
 * the second term, per output channel, folded into the bias when the weights are packed.
 * Exact: |u_k * w_k| <= 255 * 128 = 32,640, so with K <= MICRO_CONV_HOST_KMAX (1152) every
 * partial sum of a lane is within 1152 * 32,640 = 37,601,280 < 2^31 (VPDPBUSD, unlike
 * VPDPBUSDS, never saturates; it adds the four products then the lane exactly), and
 * |128 * sum w| <= 128 * 1152 * 128 = 18,874,368. The corrected bias is formed and added
 * in 32-bit wrap-around arithmetic, which equals the reference's int32 sum whenever that
 * sum is in range (as the reference kernel needs).
 *
 * Layout: per block of 32 output channels (16 when K is too long for 32 channels' weights
 * to stay in L1, and for a block of 16 or fewer channels), the weights as [K/4][nb][4]
 * bytes (one 64-byte row per 4 patch values) then the block's nb corrections 128 * sum w.
 * A call packs every block of the layer once, before the first pixel, when they fit the
 * weights buffer (WBYTES: 256 x 256 channels of 1x1 do), else each block per chunk.
 * Patches: without groups, the image is padded once per call as u8 (pad_image, C rounded
 * up to whole groups of 4 channels) and each patch read in place, 4 values at fixed
 * offsets from its window's corner ("direct"); a 1x1 window over whole rows reads the
 * input's bytes in order; otherwise (groups, or an image past the buffer) patches are
 * gathered per chunk of output pixels into a 16 KiB buffer. Per block, a pass takes 8
 * pixels with 32 channels or 16 with 16 (16 accumulators either way): per 4 patch values
 * it broadcasts each pixel's 4 bytes and adds 64 products per VPDPBUSD. The buffers
 * (112 KiB together) are the thread's host scratch (host_scratch.h), not the stack.
 * Requantization is micro_requantize16 (avx512.h).
 *
 * A chunk's outputs are written after all its patches are read, with groups a chunk being
 * the reference's pixel pair, as in the other variants: micro_conv_s8's overlap rule holds.
 */
#include "conv_pack.h"

#include <string.h>

#include "avx512.h"
#include "host_scratch.h"

#if MICRO_HOST_SIMD

#define NB 32         /* output channels per block: two 16-lane accumulators per pixel */
#define ROWS 16384    /* gathered patch bytes per chunk (it stays in L1) */
#define PBYTES 40960  /* the buffer of patches or of the padded image (97x97x4) */
#define SPREAD 4096   /* filter bytes spread to whole groups of 4 channels per tap */
#define WBYTES 69632  /* packed bytes the buffer holds: 256 x 256 weights and corrections */

#define VNNI_FN MICRO_AVX512VNNI_FN

typedef struct {
    __m512i zp, lo, hi;
} range_t;

/* A block's per-channel values, padded with zeros to NB lanes; bias less the correction. */
typedef struct {
    int32_t bias[NB], multiplier[NB], shift[NB];
} block_t;

/* The large buffers, in the thread's host scratch. */
typedef struct {
    uint8_t rows[PBYTES] __attribute__((aligned(64)));
    int8_t wt[WBYTES] __attribute__((aligned(64)));
    int8_t spread[SPREAD] __attribute__((aligned(64)));
} buffers_t;
MICRO_HOST_SCRATCH_FITS(buffers_t);

/* Bytes of a packed block of nb channels and `quads` groups of 4 patch values. */
static inline int64_t block_bytes(int32_t quads, int32_t nb)
{
    return (int64_t)quads * nb * 4 + (int64_t)nb * 4;
}

/* The 16 x 16 words of r transposed in place: word i of r[t] becomes word t of r[i]. */
VNNI_FN static MICRO_ALWAYS_INLINE void transpose16(__m512i r[16])
{
    __m512i t[16], u[16];
    for (int32_t i = 0; i < 16; i += 2) { /* word pairs of rows i, i + 1 */
        t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
    }
    for (int32_t i = 0; i < 16; i += 4) { /* in each 128-bit lane L, u[i + m]: word 4L + m of rows i..i+3 */
        u[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
        u[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
        u[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
        u[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
    }
    for (int32_t m = 0; m < 4; ++m) { /* word 4L + m of all 16 rows: lane L of u[m], u[4 + m], ... */
        const __m512i v0 = _mm512_shuffle_i32x4(u[m], u[4 + m], 0x88);  /* lanes 0, 2 */
        const __m512i v1 = _mm512_shuffle_i32x4(u[m], u[4 + m], 0xDD);  /* lanes 1, 3 */
        const __m512i v2 = _mm512_shuffle_i32x4(u[8 + m], u[12 + m], 0x88);
        const __m512i v3 = _mm512_shuffle_i32x4(u[8 + m], u[12 + m], 0xDD);
        r[m] = _mm512_shuffle_i32x4(v0, v2, 0x88);
        r[8 + m] = _mm512_shuffle_i32x4(v0, v2, 0xDD);
        r[4 + m] = _mm512_shuffle_i32x4(v1, v3, 0x88);
        r[12 + m] = _mm512_shuffle_i32x4(v1, v3, 0xDD);
    }
}

/* Channels [o, o + n) (filter rows `row` bytes apart, zero past K) packed as
 * [quads][nb][4] bytes, zero past n, then nb int32 corrections 128 * sum w: per 16
 * channels, 16 words (4 weights each) of every row at a time, transposed; each packed
 * word's 4 weights are summed into its channel's lane by one VPDPBUSD with 1 bytes. */
VNNI_FN static void pack_block(const int8_t *filter, int32_t row, int32_t o, int32_t n,
                               int32_t nb, int32_t quads, int8_t *dst)
{
    const __m512i ones = _mm512_set1_epi8(1);
    int32_t *corr = (int32_t *)(void *)(dst + (int64_t)quads * nb * 4);
    for (int32_t c0 = 0; c0 < nb; c0 += 16) {
        __m512i sum = _mm512_setzero_si512();
        for (int32_t j0 = 0; j0 < quads; j0 += 16) {
            const int32_t count = quads - j0 < 16 ? quads - j0 : 16;
            const __mmask16 mask = (__mmask16)((1u << count) - 1);
            __m512i r[16];
            for (int32_t i = 0; i < 16; ++i) {
                r[i] = c0 + i < n ? _mm512_maskz_loadu_epi32(
                                        mask, filter + (int64_t)(o + c0 + i) * row + 4 * j0)
                                  : _mm512_setzero_si512();
            }
            transpose16(r);
            for (int32_t t = 0; t < count; ++t) {
                _mm512_store_si512((void *)(dst + ((int64_t)(j0 + t) * nb + c0) * 4), r[t]);
                sum = _mm512_dpbusd_epi32(sum, ones, r[t]);
            }
        }
        _mm512_store_si512((void *)(corr + c0), _mm512_slli_epi32(sum, 7));
    }
}

/* n int8 from src as u8 (x + 128) into dst, 64 at a time through masked loads and stores
 * (no access past either end). */
VNNI_FN static MICRO_ALWAYS_INLINE void flip(uint8_t *dst, const int8_t *src, int64_t n)
{
    const __m512i top = _mm512_set1_epi8((char)0x80);
    for (int64_t i = 0; i < n; i += 64) {
        const int64_t m = n - i < 64 ? n - i : 64;
        const __mmask64 mask = m == 64 ? ~UINT64_C(0) : (UINT64_C(1) << m) - 1;
        _mm512_mask_storeu_epi8(dst + i, mask,
                                _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, src + i), top));
    }
}

/* The patch of output pixel (oy, ox) for group g as u8, input_zp + 128 where the window
 * leaves the image, then 128 (x = 0) up to kq. */
VNNI_FN static void gather(const micro_conv_s8_params_t *p, const int8_t *image, int32_t oy,
                           int32_t ox, int32_t g, int32_t kq, uint8_t *row)
{
    const int32_t height = p->input_height, width = p->input_width, channels = p->input_depth;
    const int32_t depth = p->filter_depth, fw = p->filter_width;
    const int32_t iy0 = oy * p->stride_height - p->pad_top;
    const int32_t ix0 = ox * p->stride_width - p->pad_left;
    const int8_t *base = image + (int64_t)g * depth;
    const int zp = (uint8_t)(p->input_zp + 128);
    const int32_t span = fw * depth;
    uint8_t *dst = row;
    for (int32_t fy = 0; fy < p->filter_height; ++fy, dst += span) {
        const int32_t iy = iy0 + fy * p->dilation_height;
        if (iy < 0 || iy >= height) {
            memset(dst, zp, (size_t)span);
            continue;
        }
        const int8_t *line = base + (int64_t)iy * width * channels;
        if (p->dilation_width == 1 && p->groups == 1 && ix0 >= 0 && ix0 + fw <= width) {
            flip(dst, line + (int64_t)ix0 * channels, span);
            continue;
        }
        for (int32_t fx = 0; fx < fw; ++fx) {
            const int32_t ix = ix0 + fx * p->dilation_width;
            if (ix < 0 || ix >= width) {
                memset(dst + fx * depth, zp, (size_t)depth);
            } else {
                flip(dst + fx * depth, line + (int64_t)ix * channels, depth);
            }
        }
    }
    memset(dst, 0x80, (size_t)(kq - p->filter_height * span));
}

/* Where a chunk's patches are: patch i's 4 values j at bases(i) + offs[j], with
 * bases(i) = origin + (i / per_row) * row_step + (i % per_row) * col_step. Gathered
 * patches are rows (offs[j] = 4j, one row of kq values each); direct ones are windows of
 * the padded image (see micro_conv_s8_vnni). */
typedef struct {
    const uint8_t *origin;
    const int32_t *offs;
    int32_t per_row;
    int64_t row_step, col_step;
} patches_t;

/* The sums of mr patches (at r[i]) with a packed block of 16 * cols channels into
 * acc[i * cols + h]. */
VNNI_FN static MICRO_ALWAYS_INLINE void pass(const uint8_t *const *r, const int32_t *offs,
                                             const int8_t *wt, int32_t quads, int32_t cols,
                                             int32_t mr, __m512i *acc)
{
    __m512i a[16];
    for (int32_t i = 0; i < mr * cols; ++i) {
        a[i] = _mm512_setzero_si512();
    }
    for (int32_t j = 0; j < quads; ++j, wt += 64 * cols) {
        const __m512i w0 = _mm512_load_si512((const void *)wt);
        const __m512i w1 = cols == 2 ? _mm512_load_si512((const void *)(wt + 64)) : w0;
        const int32_t off = offs[j];
        for (int32_t i = 0; i < mr; ++i) {
            int32_t v;
            memcpy(&v, r[i] + off, 4);
            const __m512i x = _mm512_set1_epi32(v);
            a[i * cols] = _mm512_dpbusd_epi32(a[i * cols], x, w0);
            if (cols == 2) {
                a[i * cols + 1] = _mm512_dpbusd_epi32(a[i * cols + 1], x, w1);
            }
        }
    }
    for (int32_t i = 0; i < mr * cols; ++i) {
        acc[i] = a[i];
    }
}

/* One block of n <= 16 * cols channels over n_pix patches, mr at a time. */
VNNI_FN static MICRO_ALWAYS_INLINE void block(const patches_t *src, int32_t quads, int32_t n_pix,
                                              const int8_t *wt, int32_t n, int32_t cols,
                                              int32_t mr, const block_t *blk, range_t r,
                                              int8_t *out, int64_t out_step)
{
    for (int32_t i0 = 0; i0 < n_pix; i0 += mr) {
        const int32_t m = n_pix - i0 < mr ? n_pix - i0 : mr;
        const uint8_t *rr[16];
        for (int32_t i = 0; i < mr; ++i) {
            const int32_t pix = i0 + (i < m ? i : m - 1);
            rr[i] = src->origin + (pix / src->per_row) * src->row_step +
                    (pix % src->per_row) * src->col_step;
        }
        __m512i acc[16];
        pass(rr, src->offs, wt, quads, cols, mr, acc);
        int8_t *o = out + i0 * out_step;
        for (int32_t i = 0; i < m; ++i, o += out_step) {
            for (int32_t h = 0; h < cols; ++h) {
                const __m512i total =
                    _mm512_add_epi32(acc[i * cols + h], _mm512_load_si512(blk->bias + 16 * h));
                const __m512i v = micro_requantize16(
                    total, _mm512_load_si512(blk->multiplier + 16 * h),
                    _mm512_load_si512(blk->shift + 16 * h), r.zp, r.lo, r.hi);
                /* 16 int8 (inside [-128, 127]: the saturating narrowing keeps them), as many
                 * as the block has channels left. */
                const __m128i bytes = _mm512_cvtsepi32_epi8(v);
                const int32_t rest = n - 16 * h;
                if (rest >= 16) {
                    _mm_storeu_si128((__m128i *)(o + 16 * h), bytes);
                } else {
                    _mm_mask_storeu_epi8(o + 16 * h, (__mmask16)((1u << rest) - 1), bytes);
                }
            }
        }
    }
}

/* The two instances: 16 channels by 16 pixels, 32 by 8. */
VNNI_FN static void block16(const patches_t *src, int32_t quads, int32_t n_pix, const int8_t *wt,
                            int32_t n, const block_t *blk, range_t r, int8_t *out,
                            int64_t out_step)
{
    block(src, quads, n_pix, wt, n, 1, 16, blk, r, out, out_step);
}

VNNI_FN static void block32(const patches_t *src, int32_t quads, int32_t n_pix, const int8_t *wt,
                            int32_t n, const block_t *blk, range_t r, int8_t *out,
                            int64_t out_step)
{
    block(src, quads, n_pix, wt, n, 2, 8, blk, r, out, out_step);
}

/* n pixels of C int8 channels from src as u8 (x + 128) into dst, cp > C channels each
 * (128 past C). One to three channels (first layers) go 16 pixels at a time: each pixel's
 * bytes zero-extended to a 32-bit word (for three, the words of 4 pixels moved into each
 * 128-bit lane, then their bytes picked by VPSHUFB, a zero for the fourth), then XOR 0x80. */
VNNI_FN static void spread_pixels(uint8_t *dst, const int8_t *src, int32_t n, int32_t channels,
                                  int32_t cp)
{
    const __m512i top = _mm512_set1_epi8((char)0x80);
    if (cp == 4 && channels <= 3) {
        const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 0, 3, 4, 5, 0, 6, 7, 8, 0, 9, 10, 11, 0);
        const __m512i pick = _mm512_broadcast_i32x4(
            _mm_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1));
        for (int32_t x = 0; x < n; x += 16, src += 16 * channels, dst += 64) {
            const int32_t m = n - x < 16 ? n - x : 16;
            const __mmask16 pixels = (__mmask16)((1u << m) - 1);
            const __mmask64 bytes = (UINT64_C(1) << (m * channels)) - 1;
            __m512i v;
            if (channels == 1) {
                v = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(pixels, src));
            } else if (channels == 2) {
                v = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(pixels, src));
            } else {
                v = _mm512_shuffle_epi8(
                    _mm512_permutexvar_epi32(lanes, _mm512_maskz_loadu_epi8(bytes, src)), pick);
            }
            _mm512_mask_storeu_epi32(dst, pixels, _mm512_xor_si512(v, top));
        }
        return;
    }
    for (int32_t x = 0; x < n; ++x) {
        for (int32_t c = 0; c < cp; ++c) {
            dst[x * cp + c] = c < channels ? (uint8_t)(src[x * channels + c] ^ 0x80) : 0x80;
        }
    }
}

/* The image as u8 (x + 128) with input_zp + 128 around it: hp x wp pixels from
 * (-pad_top, -pad_left), every pixel a window of the layer reads, each of cp >= C
 * channels (128, x = 0, past C). */
VNNI_FN static void pad_image(const micro_conv_s8_params_t *p, const int8_t *image, int32_t hp,
                              int32_t wp, int32_t cp, uint8_t *dst)
{
    const int32_t channels = p->input_depth, width = p->input_width;
    const int zp = (uint8_t)(p->input_zp + 128);
    const int32_t left = p->pad_left < wp ? p->pad_left : wp;
    const int32_t inside = width < wp - left ? width : wp - left; /* image columns read */
    for (int32_t y = 0; y < hp; ++y, dst += (int64_t)wp * cp) {
        const int32_t iy = y - p->pad_top;
        if (iy < 0 || iy >= p->input_height || inside <= 0) {
            memset(dst, zp, (size_t)wp * (size_t)cp);
            continue;
        }
        const int8_t *line = image + (int64_t)iy * width * channels;
        uint8_t *mid = dst + (int64_t)left * cp;
        memset(dst, zp, (size_t)left * (size_t)cp);
        if (cp == channels) {
            flip(mid, line, (int64_t)inside * channels);
        } else {
            spread_pixels(mid, line, inside, channels, cp);
        }
        memset(dst + (int64_t)(left + inside) * cp, zp, (size_t)(wp - left - inside) * (size_t)cp);
    }
}

/* Channels [o, o + n)'s constants into blk: the bias less the block's corrections
 * (packed after its weights), in 32-bit wrap-around arithmetic (see above). */
static void constants(const int32_t *bias, const int32_t *multiplier, const int32_t *shift,
                      int32_t o, int32_t n, int32_t nb, const int8_t *corrections, block_t *blk)
{
    int32_t corr[NB];
    memcpy(corr, corrections, (size_t)nb * sizeof(int32_t));
    micro_conv_block_constants(bias, multiplier, shift, o, n, NB, blk->bias, blk->multiplier,
                               blk->shift);
    for (int32_t c = 0; c < nb; ++c) {
        blk->bias[c] = (int32_t)((uint32_t)blk->bias[c] - (uint32_t)corr[c]);
    }
}

VNNI_FN void micro_conv_s8_vnni(const micro_conv_s8_params_t *p, const int8_t *input,
                                const int8_t *filter, const int32_t *bias,
                                const int32_t *multiplier, const int32_t *shift, int8_t *output)
{
    const int32_t k = p->filter_height * p->filter_width * p->filter_depth;
    const int32_t kq = (k + 3) & ~3;
    const int32_t row = (k + MICRO_CONV_S8_K_ALIGN - 1) / MICRO_CONV_S8_K_ALIGN *
                        MICRO_CONV_S8_K_ALIGN;
    const int32_t out_w = p->output_width, depth_out = p->output_depth, groups = p->groups;
    const int32_t pixels = p->output_height * out_w, per_group = depth_out / groups;
    /* With groups, a chunk is the reference's pixel pair: it reads a pair's next group after
     * writing its last one, so a longer chunk would read past pixels it has written. */
    const int32_t fit = groups > 1 ? MICRO_CONV_S8_SCRATCH_ROWS : ROWS / kq;
    const int32_t chunk = fit < pixels ? fit : pixels;
    const int64_t image_size = (int64_t)p->input_height * p->input_width * p->input_depth;
    const range_t r = {_mm512_set1_epi32(p->output_zp), _mm512_set1_epi32(p->act_min),
                       _mm512_set1_epi32(p->act_max)};
    buffers_t *const buf = micro_host_scratch();
    uint8_t *const rows = buf->rows;
    int8_t *const wt = buf->wt, *const spread = buf->spread;
    /* Patches that are the input's own bytes in order: no groups, K a multiple of 4 (no
     * padding in a patch), a 1x1 window at stride 1 without padding over whole rows. */
    const int contiguous = groups == 1 && k % 4 == 0 && p->filter_height == 1 &&
                           p->filter_width == 1 && p->stride_height == 1 &&
                           p->stride_width == 1 && p->pad_top == 0 && p->pad_left == 0 &&
                           out_w == p->input_width && p->output_height <= p->input_height;
    /* Direct windows: with no groups, every window of the image padded by pad_image (when
     * it fits the buffer) is its patch, 4 values at a time at fixed offsets from its
     * corner: no gathering, the image read once. The padded image has cp channels, C
     * rounded up to 4 (so no 4 patch values straddle two taps); for cp > C the filter
     * rows are first spread to cp channels per tap, zero past C (`spread`). */
    const int32_t channels = p->input_depth, cp = (channels + 3) & ~3;
    const int32_t kd = p->filter_height * p->filter_width * cp;
    const int32_t hp = (p->output_height - 1) * p->stride_height +
                       (p->filter_height - 1) * p->dilation_height + 1;
    const int32_t wp = (out_w - 1) * p->stride_width + (p->filter_width - 1) * p->dilation_width + 1;
    const int direct = !contiguous && groups == 1 && (int64_t)hp * wp * cp <= PBYTES &&
                       kd <= MICRO_CONV_HOST_KMAX &&
                       (cp == channels || (int64_t)depth_out * kd <= SPREAD);
    const int8_t *rows_of = filter;
    int32_t row_bytes = row;
    if (direct && cp != channels) {
        for (int32_t o = 0; o < depth_out; ++o) {
            for (int32_t t = 0; t < kd; ++t) {
                const int32_t c = t % cp;
                spread[o * kd + t] = c < channels ? filter[(int64_t)o * row + t / cp * channels + c] : 0;
            }
        }
        rows_of = spread;
        row_bytes = kd;
    }
    const int32_t quads = direct ? kd / 4 : kq / 4;
    const int32_t step = 4 * quads * NB <= 16384 ? NB : 16;
    int32_t offs[MICRO_CONV_HOST_KMAX / 4];
    for (int32_t j = 0; j < quads; ++j) {
        const int32_t tap = 4 * j / cp, c = 4 * j % cp;
        offs[j] = direct ? ((tap / p->filter_width) * p->dilation_height * wp +
                            (tap % p->filter_width) * p->dilation_width) * cp + c
                         : 4 * j;
    }
    block_t blk __attribute__((aligned(64)));
    /* Every block packed once, in the order the loops below take them, when they fit. */
    int64_t total = 0;
    for (int32_t g = 0; g < groups; ++g) {
        for (int32_t o = 0; o < per_group; o += step) {
            const int32_t n = per_group - o < step ? per_group - o : step;
            total += block_bytes(quads, n <= 16 ? 16 : NB);
        }
    }
    const int whole = total <= WBYTES;
    int64_t offset = 0;
    for (int32_t g = 0; whole && g < groups; ++g) {
        const int32_t last = (g + 1) * per_group;
        for (int32_t o = g * per_group; o < last; o += step) {
            const int32_t n = last - o < step ? last - o : step;
            const int32_t nb = n <= 16 ? 16 : NB;
            pack_block(rows_of, row_bytes, o, n, nb, quads, wt + offset);
            offset += block_bytes(quads, nb);
        }
    }
    for (int32_t b = 0; direct && b < p->batches; ++b) {
        /* The whole image is read before any output is written: any overlap is safe. */
        pad_image(p, input + b * image_size, hp, wp, cp, rows);
        const patches_t src = {rows, offs, out_w, (int64_t)p->stride_height * wp * cp,
                               (int64_t)p->stride_width * cp};
        offset = 0;
        for (int32_t o = 0; o < depth_out; o += step) {
            const int32_t n = depth_out - o < step ? depth_out - o : step;
            const int32_t nb = n <= 16 ? 16 : NB;
            const int8_t *packed = wt + (whole ? offset : 0);
            if (!whole) {
                pack_block(rows_of, row_bytes, o, n, nb, quads, wt);
            }
            offset += block_bytes(quads, nb);
            constants(bias, multiplier, shift, o, n, nb, packed + (int64_t)quads * nb * 4, &blk);
            (nb == 16 ? block16 : block32)(&src, quads, pixels, packed, n, &blk, r,
                                           output + (int64_t)b * pixels * depth_out + o,
                                           depth_out);
        }
    }
    for (int32_t b = 0; !direct && b < p->batches; ++b) {
        const int8_t *image = input + b * image_size;
        int8_t *out_image = output + (int64_t)b * pixels * depth_out;
        for (int32_t pix0 = 0; pix0 < pixels; pix0 += chunk) {
            const int32_t n_pix = pixels - pix0 < chunk ? pixels - pix0 : chunk;
            int8_t *out = out_image + (int64_t)pix0 * depth_out;
            offset = 0;
            for (int32_t g = 0; g < groups; ++g) {
                if (contiguous) {
                    /* A 1x1 window at stride 1 over whole rows: the chunk's patches are
                     * n_pix * k consecutive input values. */
                    flip(rows, image + (int64_t)pix0 * k, (int64_t)n_pix * k);
                }
                for (int32_t i = 0; !contiguous && i < n_pix; ++i) {
                    const int32_t pix = pix0 + i;
                    gather(p, image, pix / out_w, pix % out_w, g, kq, rows + (int64_t)i * kq);
                }
                const int32_t last = (g + 1) * per_group;
                for (int32_t o = g * per_group; o < last; o += step) {
                    const int32_t n = last - o < step ? last - o : step;
                    const int32_t nb = n <= 16 ? 16 : NB;
                    const int8_t *packed = wt + (whole ? offset : 0);
                    if (!whole) {
                        pack_block(filter, row, o, n, nb, quads, wt);
                    }
                    offset += block_bytes(quads, nb);
                    constants(bias, multiplier, shift, o, n, nb,
                              packed + (int64_t)quads * nb * 4, &blk);
                    const patches_t src = {rows, offs, n_pix, 0, kq};
                    (nb == 16 ? block16 : block32)(&src, quads, n_pix, packed, n, &blk, r,
                                                   out + o, depth_out);
                }
            }
        }
    }
}

#endif
