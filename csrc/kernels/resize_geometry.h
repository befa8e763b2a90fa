/* The element counts of a resize's input and output (internal). */
#ifndef MICRO_KERNELS_RESIZE_GEOMETRY_INTERNAL_H
#define MICRO_KERNELS_RESIZE_GEOMETRY_INTERNAL_H

#include "micro/kernels/resize_geometry.h"
#include "check.h"

/* 1 and both counts if every dimension is >= 1 and each count fits in 2^31, else 0. */
static inline int micro_resize_counts(const micro_resize_geometry_t *g, int64_t *in_count,
                                      int64_t *out_count)
{
    const int32_t in_dims[4] = {g->batches, g->in_h, g->in_w, g->channels};
    const int32_t out_dims[4] = {g->batches, g->out_h, g->out_w, g->channels};
    *in_count = micro_count(in_dims, 4);
    *out_count = micro_count(out_dims, 4);
    return *in_count >= 0 && *out_count >= 0;
}

#endif
