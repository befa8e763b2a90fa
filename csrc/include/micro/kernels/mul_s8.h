/*
 * MUL, int8, with broadcasting (TFLM's quantized mul, bit for bit):
 *   output = clamp(output_zp + requant((input1 - input1_zp) * (input2 - input2_zp),
 *                                      multiplier, shift))
 */
#ifndef MICRO_KERNELS_MUL_S8_H
#define MICRO_KERNELS_MUL_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/broadcast.h"

typedef struct {
    micro_broadcast_t broadcast;            /* input1, input2 -> output (broadcast.h) */
    int32_t input1_zp;                      /* [-128, 127] */
    int32_t input2_zp;                      /* [-128, 127] */
    int32_t output_zp;                      /* [-128, 127] */
    int32_t multiplier;                     /* [0, 2^31): input1_scale * input2_scale / output_scale */
    int32_t shift;                          /* [-31, 30], > 0: left */
    int32_t act_min;                        /* [-128, act_max] */
    int32_t act_max;                        /* [act_min, 127] */
} micro_mul_s8_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_MUL_S8_INPUT1,  /* int8, as large as its strides reach */
    MICRO_MUL_S8_INPUT2,  /* int8, likewise */
    MICRO_MUL_S8_OUTPUT,  /* int8[product of dims] */
    MICRO_MUL_S8_N_OPERANDS
} micro_mul_s8_operand_t;

micro_status_t micro_mul_s8(const micro_mul_s8_params_t *p, const int8_t *input1,
                            const int8_t *input2, int8_t *output);

#endif
