/*
 * BROADCAST_ARGS: the broadcast of two shapes read at run time (int32 or int64), as TFLM:
 * aligned on the right, a missing or 1 extent takes the other's; two other extents must
 * be equal (else MICRO_ERR_PARAMS, where TFLM aborts).
 */
#ifndef MICRO_KERNELS_BROADCAST_ARGS_H
#define MICRO_KERNELS_BROADCAST_ARGS_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t width;   /* bytes per value: 4 (int32) or 8 (int64) */
    int32_t n1;      /* >= 0: extents in shape1 */
    int32_t n2;      /* >= 0: extents in shape2 */
    int32_t n_out;   /* >= max(n1, n2), >= 1 */
} micro_broadcast_args_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_BROADCAST_ARGS_SHAPE1,
    MICRO_BROADCAST_ARGS_SHAPE2,
    MICRO_BROADCAST_ARGS_OUTPUT,
    MICRO_BROADCAST_ARGS_N_OPERANDS
} micro_broadcast_args_operand_t;

/* Operands: shape1 [n1], shape2 [n2] (may be absent when empty), output [n_out]. */
micro_status_t micro_broadcast_args(const micro_broadcast_args_params_t *p, const void *shape1,
                                    const void *shape2, void *output);

#endif
