/*
 * Broadcast layout shared by the binary elementwise kernels (ADD, SUB, MUL, PRELU, float32):
 * the first field of their params structs.
 *
 * The host fuses the operands' shapes into at most MICRO_BROADCAST_RANK dims (outermost
 * first) of the output, which is contiguous. Each input has one stride per dim, in
 * elements: 0 where that input is broadcast along the dim. Element (i0, ..., ik) of the
 * output reads input1[sum_d i_d * stride1[d]] and input2[sum_d i_d * stride2[d]].
 * Unused trailing entries (d >= rank) are ignored.
 */
#ifndef MICRO_KERNELS_BROADCAST_H
#define MICRO_KERNELS_BROADCAST_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif

#define MICRO_BROADCAST_RANK 6

typedef struct {
    int32_t rank;                           /* [1, MICRO_BROADCAST_RANK] */
    int32_t dims[MICRO_BROADCAST_RANK];     /* output extents, outermost first, >= 1 */
    int32_t stride1[MICRO_BROADCAST_RANK];  /* input1 strides in elements, >= 0 (0: broadcast) */
    int32_t stride2[MICRO_BROADCAST_RANK];  /* input2 strides in elements, >= 0 (0: broadcast) */
} micro_broadcast_t;

#endif
