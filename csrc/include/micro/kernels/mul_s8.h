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
    int32_t rank;                           /* [1, MICRO_BROADCAST_RANK] */
    int32_t dims[MICRO_BROADCAST_RANK];     /* output extents, outermost first, >= 1 */
    int32_t stride1[MICRO_BROADCAST_RANK];  /* input1 strides in elements, >= 0 (0: broadcast) */
    int32_t stride2[MICRO_BROADCAST_RANK];  /* input2 strides in elements, >= 0 (0: broadcast) */
    int32_t input1_zp;                      /* [-128, 127] */
    int32_t input2_zp;                      /* [-128, 127] */
    int32_t output_zp;                      /* [-128, 127] */
    int32_t multiplier;                     /* [0, 2^31): input1_scale * input2_scale / output_scale */
    int32_t shift;                          /* [-31, 30], > 0: left */
    int32_t act_min;                        /* [-128, act_max] */
    int32_t act_max;                        /* [act_min, 127] */
} micro_mul_s8_params_t;

/* Operands: input1 int8, input2 int8 (each as large as its strides reach), output int8
 * [product of dims]. */
micro_status_t micro_mul_s8(const micro_mul_s8_params_t *p, const int8_t *input1,
                            const int8_t *input2, int8_t *output);

#endif
