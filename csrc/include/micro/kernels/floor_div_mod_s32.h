/*
 * FLOOR_DIV and FLOOR_MOD on int32 (unquantized), with broadcasting, as TFLite's reference
 * kernels (TFLM runs both on float32 only):
 *   FLOOR_DIV: floor(x / y), the quotient rounded toward minus infinity (TFLite's floor of
 *              the double quotient, which is exact for int32 operands);
 *   FLOOR_MOD: x - y * floor(x / y), the C remainder moved to y's sign.
 * A zero y anywhere in input2 is MICRO_ERR_DIV_ZERO before any output is written (TFLite
 * fails the invoke). INT32_MIN / -1 wraps to INT32_MIN and INT32_MIN mod -1 is 0 (TFLite
 * leaves both to the C++ conversion and remainder, undefined there).
 */
#ifndef MICRO_KERNELS_FLOOR_DIV_MOD_S32_H
#define MICRO_KERNELS_FLOOR_DIV_MOD_S32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/broadcast.h"

#define MICRO_FLOOR_DIV_S32 0
#define MICRO_FLOOR_MOD_S32 1

typedef struct {
    micro_broadcast_t broadcast;            /* input1, input2 -> output (broadcast.h) */
    int32_t op;                             /* MICRO_FLOOR_DIV_S32 or MICRO_FLOOR_MOD_S32 */
} micro_floor_div_mod_s32_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_FLOOR_DIV_MOD_S32_INPUT1,  /* int32, as large as its strides reach: x */
    MICRO_FLOOR_DIV_MOD_S32_INPUT2,  /* int32, likewise: y, the divisor */
    MICRO_FLOOR_DIV_MOD_S32_OUTPUT,  /* int32[product of dims] */
    MICRO_FLOOR_DIV_MOD_S32_N_OPERANDS
} micro_floor_div_mod_s32_operand_t;

micro_status_t micro_floor_div_mod_s32(const micro_floor_div_mod_s32_params_t *p,
                                       const int32_t *input1, const int32_t *input2,
                                       int32_t *output);

#endif
