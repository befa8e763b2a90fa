/*
 * Broadcast layout shared by the binary elementwise kernels (ADD, SUB, MUL).
 *
 * The host fuses the operands' shapes into at most MICRO_BROADCAST_RANK dims (outermost
 * first) of the output, which is contiguous. Each input has one stride per dim, in
 * elements: 0 where that input is broadcast along the dim. Element (i0, ..., ik) of the
 * output reads input1[sum_d i_d * stride1[d]] and input2[sum_d i_d * stride2[d]].
 * Unused trailing entries (d >= rank) are ignored.
 */
#ifndef MICRO_KERNELS_BROADCAST_H
#define MICRO_KERNELS_BROADCAST_H

#define MICRO_BROADCAST_RANK 6

#endif
