/*
 * PRELU, int8, alpha broadcast to the input (TFLM's BroadcastPrelu4DSlow, bit for bit),
 * with v = input - input_zp:
 *   v >= 0: output = clamp(output_zp + requant(v, identity_multiplier, identity_shift))
 *   v <  0: output = clamp(output_zp + requant(v * (alpha - alpha_zp),
 *                                              alpha_multiplier, alpha_shift))
 */
#ifndef MICRO_KERNELS_PRELU_S8_H
#define MICRO_KERNELS_PRELU_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/broadcast.h"

typedef struct {
    micro_broadcast_t broadcast;            /* input, alpha -> output (broadcast.h) */
    int32_t input_zp;                       /* [-128, 127] */
    int32_t alpha_zp;                       /* [-128, 127] */
    int32_t output_zp;                      /* [-128, 127] */
    int32_t identity_multiplier;            /* [0, 2^31): input_scale / output_scale */
    int32_t identity_shift;                 /* [-31, 30], > 0: left */
    int32_t alpha_multiplier;  /* [0, 2^31): input_scale * alpha_scale / output_scale */
    int32_t alpha_shift;                    /* [-31, 30], > 0: left */
} micro_prelu_s8_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_PRELU_S8_INPUT,   /* int8, as large as its strides reach */
    MICRO_PRELU_S8_ALPHA,   /* int8, likewise */
    MICRO_PRELU_S8_OUTPUT,  /* int8[product of dims] */
    MICRO_PRELU_S8_N_OPERANDS
} micro_prelu_s8_operand_t;

micro_status_t micro_prelu_s8(const micro_prelu_s8_params_t *p, const int8_t *input,
                              const int8_t *alpha, int8_t *output);

#endif
