#include "micro/kernels/strided_copy.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

/* One innermost run of n elements. A memcpy of a constant size compiles to a plain load and
 * store, stays defined for any alignment and for every element type. */
#define MICRO_COPY_RUN(ES)                                                   \
    for (int32_t i = 0; i < n; ++i) {                                        \
        memcpy(dst + (ptrdiff_t)i * dstep, src + (ptrdiff_t)i * sstep, ES); \
    }

/* Contiguous bytes. Short runs (slices of a few channels) are copied in 8-byte words
 * inline, where a call to memcpy would cost more than the copy. */
static void copy_bytes(uint8_t *dst, const uint8_t *src, size_t n)
{
    if (n > 64) {
        memcpy(dst, src, n);
        return;
    }
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(dst + i, src + i, 8);
    }
    for (; i < n; ++i) {
        dst[i] = src[i];
    }
}

static void copy_run(uint8_t *dst, const uint8_t *src, int32_t n, int32_t dst_stride,
                     int32_t src_stride, int32_t es)
{
    if (dst_stride == 1 && src_stride == 1) {
        copy_bytes(dst, src, (size_t)n * (size_t)es);
        return;
    }
    const ptrdiff_t dstep = (ptrdiff_t)dst_stride * es;
    const ptrdiff_t sstep = (ptrdiff_t)src_stride * es;
    switch (es) {
    case 1:
        for (int32_t i = 0; i < n; ++i) {
            dst[(ptrdiff_t)i * dstep] = src[(ptrdiff_t)i * sstep];
        }
        break;
    case 2:
        MICRO_COPY_RUN(2)
        break;
    case 4:
        MICRO_COPY_RUN(4)
        break;
    default:
        MICRO_COPY_RUN(8)
        break;
    }
}

/* Side of the square tiles a transposing plane is copied in: TILE source rows and TILE
 * destination rows stay in the data cache while the tile is copied. */
#define MICRO_COPY_TILE 16

/* The innermost two dimensions: n1 runs of n0 elements (n1 = 1 for a 1-d copy). */
static void copy_plane(uint8_t *dst, const uint8_t *src, const micro_strided_copy_params_t *p)
{
    const int32_t es = p->elem_size;
    const int32_t last = p->n_dims - 1;
    const int32_t n0 = p->shape[last];
    const int32_t ds0 = p->dst_stride[last];
    const int32_t ss0 = p->src_stride[last];
    const int32_t n1 = last > 0 ? p->shape[last - 1] : 1;
    const ptrdiff_t dstep1 = last > 0 ? (ptrdiff_t)p->dst_stride[last - 1] * es : 0;
    const ptrdiff_t sstep1 = last > 0 ? (ptrdiff_t)p->src_stride[last - 1] * es : 0;
    if (ds0 == 1 && ss0 == 1) {
        const size_t run = (size_t)n0 * (size_t)es;
        for (int32_t j = 0; j < n1; ++j) {
            copy_bytes(dst + (ptrdiff_t)j * dstep1, src + (ptrdiff_t)j * sstep1, run);
        }
        return;
    }
    if (ds0 == 1 && sstep1 == es && n0 >= MICRO_COPY_TILE && n1 >= MICRO_COPY_TILE) {
        /* A transpose: rows of dst gather columns of src. */
        const ptrdiff_t sstep0 = (ptrdiff_t)ss0 * es;
        for (int32_t j0 = 0; j0 < n1; j0 += MICRO_COPY_TILE) {
            const int32_t j1 = n1 - j0 < MICRO_COPY_TILE ? n1 : j0 + MICRO_COPY_TILE;
            for (int32_t i0 = 0; i0 < n0; i0 += MICRO_COPY_TILE) {
                const int32_t n = n0 - i0 < MICRO_COPY_TILE ? n0 - i0 : MICRO_COPY_TILE;
                for (int32_t j = j0; j < j1; ++j) {
                    copy_run(dst + (ptrdiff_t)j * dstep1 + (ptrdiff_t)i0 * es,
                             src + (ptrdiff_t)j * sstep1 + (ptrdiff_t)i0 * sstep0, n, 1, ss0, es);
                }
            }
        }
        return;
    }
    for (int32_t j = 0; j < n1; ++j) {
        copy_run(dst + (ptrdiff_t)j * dstep1, src + (ptrdiff_t)j * sstep1, n0, ds0, ss0, es);
    }
}

micro_status_t micro_strided_copy(const micro_strided_copy_params_t *p, const void *src,
                                  void *dst)
{
    const int32_t outer = p->n_dims - 2; /* dims [0, outer] are walked here, the rest by planes */
    const int32_t es = p->elem_size;
    int32_t index[MICRO_COPY_MAX_DIMS] = {0};
    /* Element offsets of the current plane's first element; 64-bit so that stepping one past
     * the end of a dimension cannot overflow before it is rewound. */
    int64_t s = p->src_offset;
    int64_t d = p->dst_offset;
    for (;;) {
        copy_plane((uint8_t *)dst + (ptrdiff_t)d * es, (const uint8_t *)src + (ptrdiff_t)s * es, p);
        int32_t k = outer - 1;
        for (; k >= 0; --k) {
            s += p->src_stride[k];
            d += p->dst_stride[k];
            if (++index[k] < p->shape[k]) {
                break;
            }
            s -= (int64_t)p->shape[k] * p->src_stride[k];
            d -= (int64_t)p->shape[k] * p->dst_stride[k];
            index[k] = 0;
        }
        if (k < 0) {
            return MICRO_OK;
        }
    }
}

/* 1 if every element the view reaches lies inside an operand of `size` bytes. */
static int view_fits(const int32_t *shape, const int32_t *stride, int32_t n, int32_t offset,
                     int32_t es, uint32_t size)
{
    int64_t lo = offset;
    int64_t hi = offset;
    for (int32_t k = 0; k < n; ++k) {
        const int64_t span = (int64_t)(shape[k] - 1) * stride[k];
        if (span > INT32_MAX || span < -INT32_MAX) {
            return 0;
        }
        if (span < 0) {
            lo += span;
        } else {
            hi += span;
        }
    }
    return lo >= 0 && (hi + 1) * es <= INT32_MAX && micro_fits(size, hi + 1, es);
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_strided_copy(params, op[MICRO_STRIDED_COPY_SRC], op[MICRO_STRIDED_COPY_DST]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_strided_copy_params_t *p = params;
    if (!micro_elem_size_ok(p->elem_size) || !micro_in_range(p->n_dims, 1, MICRO_COPY_MAX_DIMS) ||
        micro_count(p->shape, p->n_dims) < 0 || p->src_offset < 0 || p->dst_offset < 0) {
        return MICRO_ERR_PARAMS;
    }
    if (!view_fits(p->shape, p->src_stride, p->n_dims, p->src_offset, p->elem_size,
                   size[MICRO_STRIDED_COPY_SRC]) ||
        !view_fits(p->shape, p->dst_stride, p->n_dims, p->dst_offset, p->elem_size,
                   size[MICRO_STRIDED_COPY_DST]) ||
        !micro_disjoint(op[MICRO_STRIDED_COPY_SRC], size[MICRO_STRIDED_COPY_SRC],
                        op[MICRO_STRIDED_COPY_DST], size[MICRO_STRIDED_COPY_DST])) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (a transpose or a reversed slice reads its input out of the output's
 * order). */
const micro_kernel_t micro_kernel_strided_copy = {step, check, sizeof(micro_strided_copy_params_t),
                                                  MICRO_STRIDED_COPY_N_OPERANDS, MICRO_OVERLAP_NONE};
