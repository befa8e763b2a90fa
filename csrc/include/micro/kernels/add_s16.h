/*
 * ADD and SUB, int16, with broadcasting (TFLM's general-scale int16 add/sub, bit for bit):
 *   t1 = requant((input1 - input1_zp) * 2^15, input1_multiplier, input1_shift)
 *   t2 = requant((input2 - input2_zp) * 2^15, input2_multiplier, input2_shift)
 *   output = clamp(output_zp + requant(t1 +/- t2, output_multiplier, output_shift))
 * As in TFLM, the products and sums are int32 arithmetic that wraps (only reachable with
 * non-zero zero points, which int16 models do not use).
 */
#ifndef MICRO_KERNELS_ADD_S16_H
#define MICRO_KERNELS_ADD_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/broadcast.h"

typedef struct {
    micro_broadcast_t broadcast;            /* input1, input2 -> output (broadcast.h) */
    int32_t subtract;                       /* 0: ADD, 1: SUB (input1 - input2) */
    int32_t input1_zp;                      /* [-32768, 32767] */
    int32_t input2_zp;                      /* [-32768, 32767] */
    int32_t output_zp;                      /* [-32768, 32767] */
    int32_t input1_multiplier;              /* [0, 2^31) */
    int32_t input1_shift;                   /* [-31, 0] */
    int32_t input2_multiplier;              /* [0, 2^31) */
    int32_t input2_shift;                   /* [-31, 0] */
    int32_t output_multiplier;              /* [0, 2^31) */
    int32_t output_shift;                   /* [-31, 0] */
    int32_t act_min;                        /* [-32768, act_max] */
    int32_t act_max;                        /* [act_min, 32767] */
} micro_add_s16_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_ADD_S16_INPUT1,  /* int16, as large as its strides reach */
    MICRO_ADD_S16_INPUT2,  /* int16, likewise */
    MICRO_ADD_S16_OUTPUT,  /* int16[product of dims] */
    MICRO_ADD_S16_N_OPERANDS
} micro_add_s16_operand_t;

micro_status_t micro_add_s16(const micro_add_s16_params_t *p, const int16_t *input1,
                             const int16_t *input2, int16_t *output);

#endif
