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
    int32_t rank;                           /* [1, MICRO_BROADCAST_RANK] */
    int32_t dims[MICRO_BROADCAST_RANK];     /* output extents, outermost first, >= 1 */
    int32_t stride1[MICRO_BROADCAST_RANK];  /* input1 strides in elements, >= 0 (0: broadcast) */
    int32_t stride2[MICRO_BROADCAST_RANK];  /* input2 strides in elements, >= 0 (0: broadcast) */
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

/* Operands: input1 int16, input2 int16 (each as large as its strides reach), output int16
 * [product of dims]. */
micro_status_t micro_add_s16(const micro_add_s16_params_t *p, const int16_t *input1,
                             const int16_t *input2, int16_t *output);

#endif
