/*
 * The input layout of the int8 reductions (MEAN/SUM, REDUCE_MAX/REDUCE_MIN).
 *
 * The host drops size-1 axes and merges adjacent axes of the same kind, so an input is
 * dims[0..rank) with bit i of `reduced` set when dims[i] is reduced; dims[0] is kept (it
 * may be 1) and dims[1] is reduced. The outputs, in order, are the kept dims' indices;
 * for each index of dims[0] the kernels reduce one contiguous block of the input into the
 * block's outputs (the product of the kept dims after dims[0]).
 */
#ifndef MICRO_KERNELS_REDUCE_SHAPE_H
#define MICRO_KERNELS_REDUCE_SHAPE_H

#define MICRO_REDUCE_MAX_DIMS 8

#endif
