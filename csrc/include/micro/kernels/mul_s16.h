/*
 * MUL, int16 (zero points 0, as TFLM requires), with broadcasting:
 *   output = clamp(requant(input1 * input2, multiplier, shift), act_min, act_max)
 * The product of two int16 values fits int32; requant is the 32-bit
 * MultiplyByQuantizedMultiplier, as TFLM's int16 MUL uses.
 */
#ifndef MICRO_KERNELS_MUL_S16_H
#define MICRO_KERNELS_MUL_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/broadcast.h"

typedef struct {
    micro_broadcast_t broadcast;            /* the loop nest (micro/kernels/broadcast.h) */
    int32_t multiplier;                     /* [0, 2^31): input1_scale * input2_scale / output_scale */
    int32_t shift;                          /* [-31, 30], > 0: left */
    int32_t act_min;                        /* [-32768, act_max] */
    int32_t act_max;                        /* [act_min, 32767] */
} micro_mul_s16_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_MUL_S16_INPUT1,
    MICRO_MUL_S16_INPUT2,
    MICRO_MUL_S16_OUTPUT,
    MICRO_MUL_S16_N_OPERANDS
} micro_mul_s16_operand_t;

/* Operands: input1 int16, input2 int16 (as large as their strides reach), output int16
 * [product of dims]. */
micro_status_t micro_mul_s16(const micro_mul_s16_params_t *p, const int16_t *input1,
                             const int16_t *input2, int16_t *output);

#endif
