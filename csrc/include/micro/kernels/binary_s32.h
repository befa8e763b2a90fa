/*
 * int32 elementwise binary ops (ADD, SUB, MUL, DIV, MINIMUM, MAXIMUM), unquantized, as
 * TFLM's reference kernels: wrap-around arithmetic, C division (truncating toward zero),
 * then clamp to the fused activation's range. Either input may be a single element
 * broadcast over the other (stride 0).
 *   output[i] = clamp(a[i * stride1] op b[i * stride2], act_min, act_max)
 * DIV by zero is MICRO_ERR_DIV_ZERO, before any output is written (TFLM traps);
 * INT32_MIN / -1 wraps to INT32_MIN.
 */
#ifndef MICRO_KERNELS_BINARY_S32_H
#define MICRO_KERNELS_BINARY_S32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_BINARY_ADD 0
#define MICRO_BINARY_SUB 1
#define MICRO_BINARY_MUL 2
#define MICRO_BINARY_DIV 3
#define MICRO_BINARY_MIN 4
#define MICRO_BINARY_MAX 5

typedef struct {
    int32_t op;        /* MICRO_BINARY_* */
    int32_t count;     /* N >= 1: output elements */
    int32_t stride1;   /* 0 (one element, broadcast) or 1 (N elements) */
    int32_t stride2;   /* same, for input 2 */
    int32_t act_min;   /* <= act_max */
    int32_t act_max;
} micro_binary_s32_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_BINARY_S32_INPUT1,  /* int32[N or 1] */
    MICRO_BINARY_S32_INPUT2,  /* int32[N or 1] */
    MICRO_BINARY_S32_OUTPUT,  /* int32[N] */
    MICRO_BINARY_S32_N_OPERANDS
} micro_binary_s32_operand_t;

micro_status_t micro_binary_s32(const micro_binary_s32_params_t *p, const int32_t *input1,
                                const int32_t *input2, int32_t *output);

#endif
