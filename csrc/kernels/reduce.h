/* Iteration over the canonical reduction layout (micro/kernels/reduce_shape.h), internal. */
#ifndef MICRO_KERNELS_REDUCE_H
#define MICRO_KERNELS_REDUCE_H

#include <stdint.h>

#include "micro/kernels/reduce_shape.h"
#include "check.h"

typedef struct {
    int32_t rank;
    const int32_t *dims;
    int32_t out_stride[MICRO_REDUCE_MAX_DIMS]; /* 0 for a reduced dim */
    int32_t block_out;     /* outputs per index of dims[0] */
    int32_t block_in;      /* inputs per index of dims[0] */
    int32_t inner;         /* dims[rank - 1]: one contiguous row */
    int32_t rows;          /* rows per block */
    int32_t inner_reduced; /* 1 if the row is reduced to one output, 0 if kept */
} micro_reduce_layout_t;

static inline void micro_reduce_layout(int32_t rank, const int32_t *dims, uint32_t reduced,
                                       micro_reduce_layout_t *l)
{
    l->rank = rank;
    l->dims = dims;
    l->block_out = 1;
    l->block_in = 1;
    for (int32_t d = rank - 1; d >= 1; --d) {
        const int32_t kept = ((reduced >> d) & 1u) == 0;
        l->out_stride[d] = kept ? l->block_out : 0;
        l->block_out *= kept ? dims[d] : 1;
        l->block_in *= dims[d];
    }
    l->inner = dims[rank - 1];
    l->inner_reduced = (int32_t)((reduced >> (rank - 1)) & 1u);
    l->rows = l->block_in / l->inner;
}

/* Advance `index` (dims[1..rank-1), an odometer) to the next row; returns the output
 * offset of that row given the current one. */
static inline int32_t micro_reduce_next_row(const micro_reduce_layout_t *l, int32_t *index,
                                            int32_t base)
{
    for (int32_t d = l->rank - 2; d >= 1; --d) {
        base += l->out_stride[d];
        if (++index[d] < l->dims[d]) {
            break;
        }
        base -= l->out_stride[d] * l->dims[d];
        index[d] = 0;
    }
    return base;
}

/* 1 if (rank, dims, reduced) is a valid canonical layout; then the element counts of the
 * input, the output and one reduction. */
static inline int micro_reduce_shape_ok(int32_t rank, const int32_t *dims, uint32_t reduced,
                                        int64_t *n_in, int64_t *n_out, int64_t *count)
{
    if (!micro_in_range(rank, 2, MICRO_REDUCE_MAX_DIMS) || (reduced & 1u) != 0 ||
        ((reduced >> 1) & 1u) == 0 || (reduced >> rank) != 0) {
        return 0;
    }
    int32_t kept[MICRO_REDUCE_MAX_DIMS];
    int32_t summed[MICRO_REDUCE_MAX_DIMS];
    int n_kept = 0;
    int n_summed = 0;
    for (int32_t d = 0; d < rank; ++d) {
        if ((reduced >> d) & 1u) {
            summed[n_summed++] = dims[d];
        } else {
            kept[n_kept++] = dims[d];
        }
    }
    *n_in = micro_count(dims, rank);
    *n_out = micro_count(kept, n_kept);
    *count = micro_count(summed, n_summed);
    return *n_in >= 0 && *n_out >= 0 && *count >= 0;
}

#endif
