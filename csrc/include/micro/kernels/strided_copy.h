/*
 * STRIDED_COPY: copy an N-d box of elements between two strided views, for any element
 * type (the bytes are moved, never interpreted). It serves TRANSPOSE, STRIDED_SLICE,
 * CONCATENATION (one step per input) and any other pure data movement:
 *
 *   for every index i in [0, shape[0]) x ... x [0, shape[n_dims - 1]):
 *     dst[dst_offset + sum_k i[k] * dst_stride[k]] = src[src_offset + sum_k i[k] * src_stride[k]]
 *
 * Offsets and strides count elements (not bytes); a negative stride walks backwards.
 * Dimension 0 is the outermost; the innermost dimension is the fast loop, and a run
 * whose two strides are both 1 is a single memcpy. The host merges dimensions that are
 * contiguous in both views, so most copies are a few memcpy runs.
 */
#ifndef MICRO_KERNELS_STRIDED_COPY_H
#define MICRO_KERNELS_STRIDED_COPY_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_COPY_MAX_DIMS 6

typedef struct {
    int32_t elem_size;                        /* bytes per element: 1, 2, 4 or 8 */
    int32_t n_dims;                           /* [1, MICRO_COPY_MAX_DIMS] */
    int32_t shape[MICRO_COPY_MAX_DIMS];       /* box extent per dim, >= 1; first n_dims used */
    int32_t src_offset;                       /* >= 0: elements from src to the box origin */
    int32_t src_stride[MICRO_COPY_MAX_DIMS];  /* elements per index step, any sign */
    int32_t dst_offset;                       /* >= 0: elements from dst to the box origin */
    int32_t dst_stride[MICRO_COPY_MAX_DIMS];  /* elements per index step, any sign */
} micro_strided_copy_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    /* elements of elem_size bytes; every element the box reaches lies inside */
    MICRO_STRIDED_COPY_SRC,
    MICRO_STRIDED_COPY_DST,  /* likewise; src and dst must not overlap */
    MICRO_STRIDED_COPY_N_OPERANDS
} micro_strided_copy_operand_t;

micro_status_t micro_strided_copy(const micro_strided_copy_params_t *p, const void *src,
                                  void *dst);

#endif
