/*
 * LEAKY_RELU, int16 (TFLM's QuantizeLeakyRelu, bit for bit), with v = input - input_zp:
 *   v >= 0: output = clamp(output_zp + requant(v, identity_multiplier, identity_shift))
 *   v <  0: output = clamp(output_zp +/- requant(v, alpha_multiplier, alpha_shift))
 * where the sign is - when alpha < 0 (the multiplier holds |alpha|'s rescale).
 * (int8 LEAKY_RELU is a lut_s8 table.)
 */
#ifndef MICRO_KERNELS_LEAKY_RELU_S16_H
#define MICRO_KERNELS_LEAKY_RELU_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t count;                  /* elements, >= 1 */
    int32_t input_zp;               /* [-32768, 32767] */
    int32_t output_zp;              /* [-32768, 32767] */
    int32_t identity_multiplier;    /* [0, 2^31): input_scale / output_scale */
    int32_t identity_shift;         /* [-31, 30], > 0: left */
    int32_t alpha_multiplier;       /* [0, 2^31): |alpha| * input_scale / output_scale */
    int32_t alpha_shift;            /* [-31, 30], > 0: left */
    int32_t alpha_negative;         /* 1 if alpha < 0, else 0 */
} micro_leaky_relu_s16_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_LEAKY_RELU_S16_INPUT,   /* int16[count] */
    MICRO_LEAKY_RELU_S16_OUTPUT,  /* int16[count] */
    MICRO_LEAKY_RELU_S16_N_OPERANDS
} micro_leaky_relu_s16_operand_t;

micro_status_t micro_leaky_relu_s16(const micro_leaky_relu_s16_params_t *p,
                                    const int16_t *input, int16_t *output);

#endif
