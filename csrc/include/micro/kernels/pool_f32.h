/*
 * AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D on float32 NHWC, as TFLM's float reference
 * pools, over the int8 pools' window geometry (micro/kernels/pool_s8.h: taps outside the
 * input are skipped, every window overlaps it). With the window's taps in row order:
 *   AVERAGE  total = 0.0f, total += tap; total / count          (count as a float)
 *   MAX      m = -FLT_MAX, m = m < tap ? tap : m                (std::max: NaN taps lost)
 *   L2       s = 0.0f, s += tap * tap; sqrt(s / count)          (correctly rounded sqrt)
 * then min(max(v, act_min), act_max).
 */
#ifndef MICRO_KERNELS_POOL_F32_H
#define MICRO_KERNELS_POOL_F32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/pool_s8.h"

#define MICRO_POOL_F32_AVERAGE 0
#define MICRO_POOL_F32_MAX 1
#define MICRO_POOL_F32_L2 2

typedef struct {
    micro_pool_s8_params_t window;  /* the geometry; its act_min, act_max are -128, 127 */
    int32_t op;                     /* one of MICRO_POOL_F32_* */
    float act_min;                  /* <= act_max: the fused activation's range */
    float act_max;
} micro_pool_f32_params_t;

/* Operand slots, in a step's order. */
typedef enum {
    MICRO_POOL_F32_INPUT,   /* f32[batches * input_h * input_w * channels] */
    MICRO_POOL_F32_OUTPUT,  /* f32[batches * output_h * output_w * channels] */
    MICRO_POOL_F32_N_OPERANDS
} micro_pool_f32_operand_t;

micro_status_t micro_pool_f32(const micro_pool_f32_params_t *p, const float *input,
                              float *output);

#endif
