/*
 * LOG_SOFTMAX, int8, over the innermost axis; output scale 16/256, zero point 127 (TFLM's
 * integer reference, bit for bit). For each row, with d = x - max(row) in [-255, 0]:
 *   s = sum of exp_q12[-d] over the row (Q12, wrapping; 0 where d < diff_min)
 *   l = log(s) in Q5 (gemmlowp's log_x_for_x_greater_than_or_equal_to_1)
 *   cut = max(diff_min - 1, requant(l + INT32_MIN, reverse_multiplier, reverse_shift))
 *   y = d > cut ? clamp(round((diff_q5[-d] - l) / 2^22) + 127, -128, 127) : -128
 * exp_q12 and diff_q5 (the difference scaled to Q5) are the host's tables by -d.
 */
#ifndef MICRO_KERNELS_LOG_SOFTMAX_S8_H
#define MICRO_KERNELS_LOG_SOFTMAX_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t rows;               /* >= 1: product of the outer dims */
    int32_t depth;              /* >= 1: the innermost dim */
    int32_t diff_min;           /* [-256, 0]: smaller differences add nothing */
    int32_t reverse_multiplier; /* [0, 2^31): Q5 back to input units */
    int32_t reverse_shift;      /* [-31, 0] */
} micro_log_softmax_s8_params_t;

/* Operand slots: input int8[rows*depth], tables int32[2][256] (exp_q12, then diff_q5, by
 * -d), output int8[rows*depth]. */
typedef enum {
    MICRO_LOG_SOFTMAX_S8_INPUT,
    MICRO_LOG_SOFTMAX_S8_TABLES,
    MICRO_LOG_SOFTMAX_S8_OUTPUT,
    MICRO_LOG_SOFTMAX_S8_N_OPERANDS
} micro_log_softmax_s8_operand_t;

micro_status_t micro_log_softmax_s8(const micro_log_softmax_s8_params_t *p, const int8_t *input,
                                    const int32_t *tables, int8_t *output);

#endif
