/*
 * QUANTIZE float32 -> int8 or int16 (TFLM's AffineQuantize, bit for bit):
 *   output = clamp(output_zp + roundf(input / scale)) to the output type's range
 * The division is a float32 division (not a multiply by 1/scale) and roundf rounds half
 * away from zero, as TFLM does. NaN quantizes to the type's minimum; magnitudes beyond the output
 * range saturate.
 */
#ifndef MICRO_KERNELS_QUANTIZE_F32_H
#define MICRO_KERNELS_QUANTIZE_F32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t count;          /* elements, >= 1 */
    int32_t output_bits;    /* 8: int8 output, 16: int16 output */
    int32_t output_zp;      /* in the output type's range */
    float scale;            /* output scale, finite and > 0 */
} micro_quantize_f32_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_QUANTIZE_F32_INPUT,   /* f32[count] */
    MICRO_QUANTIZE_F32_OUTPUT,  /* int8[count] or int16[count] */
    MICRO_QUANTIZE_F32_N_OPERANDS
} micro_quantize_f32_operand_t;

micro_status_t micro_quantize_f32(const micro_quantize_f32_params_t *p, const float *input,
                                  void *output);

#endif
