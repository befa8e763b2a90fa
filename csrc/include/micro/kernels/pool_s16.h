/*
 * AVERAGE_POOL_2D and MAX_POOL_2D on int16 NHWC (input and output share their
 * quantization), as TFLM's int16 reference pools. Output pixel (y, x) reads the window of
 * filter_h x filter_w pixels at (y * stride_h - pad_h, x * stride_w - pad_w); taps outside
 * the input are skipped. MAX: the largest tap. AVERAGE: the int32 sum divided by the count
 * of taps inside the input, rounded half away from zero. Then clamp(act_min, act_max).
 */
#ifndef MICRO_KERNELS_POOL_S16_H
#define MICRO_KERNELS_POOL_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_POOL_S16_AVERAGE 0
#define MICRO_POOL_S16_MAX 1

typedef struct {
    int32_t op;             /* MICRO_POOL_S16_AVERAGE or _MAX */
    int32_t batches;        /* >= 1 */
    int32_t input_h;        /* >= 1 */
    int32_t input_w;        /* >= 1 */
    int32_t channels;       /* >= 1 */
    int32_t output_h;       /* >= 1; every window overlaps the input */
    int32_t output_w;       /* >= 1 */
    int32_t filter_h;       /* >= 1; filter_h * filter_w <= 2^16 (int32 sums) */
    int32_t filter_w;       /* >= 1 */
    int32_t stride_h;       /* >= 1 */
    int32_t stride_w;       /* >= 1 */
    int32_t pad_h;          /* >= 0 */
    int32_t pad_w;          /* >= 0 */
    int32_t act_min;        /* [-32768, act_max] */
    int32_t act_max;        /* [act_min, 32767] */
} micro_pool_s16_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_POOL_S16_INPUT,
    MICRO_POOL_S16_OUTPUT,
    MICRO_POOL_S16_N_OPERANDS
} micro_pool_s16_operand_t;

/* Operands: input int16[B*H*W*C], output int16[B*OH*OW*C]. */
micro_status_t micro_pool_s16(const micro_pool_s16_params_t *p, const int16_t *input,
                              int16_t *output);

#endif
