/*
 * BATCH_MATMUL, int8 (int32 sums) and int16 (int64 sums), as TFLM's reference:
 *   out[b, i, j] = clamp(requant(sum_k (L(b, i, k) - lhs_zp) * (R(b, k, j) - rhs_zp))
 *                        + output_zp, act_min, act_max)
 * with L(b, i, k) = lhs[lhs_offset[b] + i * lhs_stride_i + k * lhs_stride_k] and
 *      R(b, k, j) = rhs[rhs_offset[b] + k * rhs_stride_k + j * rhs_stride_j],
 * so adj_x / adj_y are strides and broadcast batch dims are repeated offsets (the host
 * computes both). requant is MultiplyByQuantizedMultiplier: the 32-bit one for int8, the
 * 64-bit one for int16, as TFLM picks by its accumulator type. float32 (width 4, every
 * quantization field 0): out[b, i, j] = sum_k L(b, i, k) * R(b, k, j), summed in float in
 * increasing k from 0.0f, as TFLM's float reference.
 */
#ifndef MICRO_KERNELS_BATCH_MATMUL_H
#define MICRO_KERNELS_BATCH_MATMUL_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t width;          /* bytes per element of lhs, rhs and output: 1, 2 or 4 (float32) */
    int32_t batches;        /* >= 1: output matrices */
    int32_t rows;           /* >= 1: M */
    int32_t depth;          /* >= 1: K */
    int32_t cols;           /* >= 1: N */
    int32_t lhs_stride_i;   /* >= 0, elements */
    int32_t lhs_stride_k;   /* >= 0, elements */
    int32_t rhs_stride_k;   /* >= 0, elements */
    int32_t rhs_stride_j;   /* >= 0, elements */
    int32_t lhs_zp;         /* in the element type's range (0 for int16) */
    int32_t rhs_zp;         /* in the element type's range (0 for int16) */
    int32_t output_zp;      /* in the element type's range */
    int32_t multiplier;     /* [0, 2^31) */
    int32_t shift;          /* [-31, 30] for int8, [-31, 7] for int16; > 0 is left */
    int32_t act_min;        /* <= act_max, in the element type's range */
    int32_t act_max;
} micro_batch_matmul_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_BATCH_MATMUL_LHS,
    MICRO_BATCH_MATMUL_RHS,
    MICRO_BATCH_MATMUL_OFFSETS,
    MICRO_BATCH_MATMUL_OUTPUT,
    MICRO_BATCH_MATMUL_N_OPERANDS
} micro_batch_matmul_operand_t;

/* Operands: lhs, rhs (int8, int16 or float32), offsets int32[batches][2] (lhs, rhs element offsets of
 * each output matrix, >= 0), output [batches, rows, cols]. */
micro_status_t micro_batch_matmul(const micro_batch_matmul_params_t *p, const void *lhs,
                                  const void *rhs, const int32_t *offsets, void *output);

#endif
