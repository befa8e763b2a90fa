#include "micro/kernels/lstm_s8.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "fixedpoint.h"
#include "lstm_cell.h"

/* clamp16(requant(dot + bias)): one gate projection, Q3.12. */
static int32_t project(int32_t dot, int32_t bias, int32_t multiplier, int32_t shift)
{
    const int32_t acc = micro_fx_add(dot, bias);
    return micro_clamp(micro_requantize(acc, multiplier, shift), INT16_MIN, INT16_MAX);
}

#define LT int8_t
#define LT_MIN INT8_MIN
#define LT_MAX INT8_MAX
#define LACC int32_t
#define LF(name) micro_lstm_s8##name
#define LOP(slot) MICRO_LSTM_S8_##slot
#define LSTM_DOT4 micro_dot4_s8_s16
#define LSTM_WIDEN micro_widen_s8
#include "lstm_template.h"

/* Overlap rule: none (every gate reads the whole input before the state and the output are
 * written). */
const micro_kernel_t micro_kernel_lstm_s8 = {step, check, sizeof(micro_lstm_s8_params_t),
                                             MICRO_LSTM_S8_N_OPERANDS, MICRO_OVERLAP_NONE};
