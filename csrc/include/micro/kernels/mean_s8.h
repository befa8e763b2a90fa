/*
 * MEAN (and SUM) of int8 over some axes, TFLM's integer reduction:
 *   acc    = sum of the int8 inputs over the reduced axes (int32, wrapping)
 *   output = clamp(output_zp + requant(acc + bias, multiplier, shift), -128, 127)
 * with bias = -input_zp * count (wrapped to int32) and, for MEAN, 1/count already folded
 * into multiplier and shift by the host, exactly as the reference does.
 * The input layout is reduce_shape.h's; the sums of one block of outputs accumulate in
 * `scratch`.
 */
#ifndef MICRO_KERNELS_MEAN_S8_H
#define MICRO_KERNELS_MEAN_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/reduce_shape.h"

typedef struct {
    int32_t rank;           /* [2, MICRO_REDUCE_MAX_DIMS] */
    int32_t dims[8];        /* MICRO_REDUCE_MAX_DIMS; dims[0..rank) >= 1, the rest ignored */
    uint32_t reduced;       /* bit i set: dims[i] is reduced; bit 0 clear, bit 1 set */
    int32_t bias;           /* added to each sum (wrapping): -input_zp * count */
    int32_t multiplier;     /* >= 0 */
    int32_t shift;          /* [-31, 30], > 0: left */
    int32_t output_zp;      /* [-128, 127] */
} micro_mean_s8_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_MEAN_S8_INPUT,    /* int8[prod dims] */
    /* micro_mean_s8_scratch_size(p) bytes: int32 sums of one block */
    MICRO_MEAN_S8_SCRATCH,
    MICRO_MEAN_S8_OUTPUT,   /* int8[prod kept dims] */
    MICRO_MEAN_S8_N_OPERANDS
} micro_mean_s8_operand_t;

/* Bytes of the scratch operand, for params the kernel's check accepts. */
int64_t micro_mean_s8_scratch_size(const micro_mean_s8_params_t *p);

micro_status_t micro_mean_s8(const micro_mean_s8_params_t *p, const int8_t *input,
                             int32_t *scratch, int8_t *output);

#endif
