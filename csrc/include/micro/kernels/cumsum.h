/*
 * CUMSUM along one axis, forward or reversed, inclusive or exclusive (TFLM's reference):
 *   float32: the running float sum, added in walk order;
 *   int8:    acc = terms[byte 0] (the reference starts from the rescaled -input_zp, not 0),
 *            then acc += terms[x] in walk order (int32, wrapping), each output
 *            clamp(output_zp + requant(acc, multiplier, shift), -128, 127), taken before
 *            (exclusive) or after (inclusive) the element's term.
 * terms[x] = requant((x - input_zp) * 2^20, 1/2) by input byte, computed by the host.
 * The tensor is [outer, depth, inner] with depth the summed axis.
 */
#ifndef MICRO_KERNELS_CUMSUM_H
#define MICRO_KERNELS_CUMSUM_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_CUMSUM_F32 0
#define MICRO_CUMSUM_S8 1

typedef struct {
    int32_t kind;           /* MICRO_CUMSUM_F32 or MICRO_CUMSUM_S8 */
    int32_t outer;          /* >= 1: product of the dims before the axis */
    int32_t depth;          /* >= 1: the axis */
    int32_t inner;          /* >= 1: product of the dims after the axis */
    int32_t exclusive;      /* 0 or 1 */
    int32_t reverse;        /* 0 or 1 */
    int32_t multiplier;     /* int8: [0, 2^31), 2 input_scale / (2^20 output_scale) */
    int32_t shift;          /* int8: [-31, 0] */
    int32_t output_zp;      /* int8: [-128, 127] */
} micro_cumsum_params_t;

/* Operand slots: input float32 or int8 [outer*depth*inner], terms (int8: int32[256] by
 * input byte; float32: absent), output like the input. */
typedef enum {
    MICRO_CUMSUM_INPUT,
    MICRO_CUMSUM_TERMS,
    MICRO_CUMSUM_OUTPUT,
    MICRO_CUMSUM_N_OPERANDS
} micro_cumsum_operand_t;

micro_status_t micro_cumsum(const micro_cumsum_params_t *p, const void *input,
                            const int32_t *terms, void *output);

#endif
