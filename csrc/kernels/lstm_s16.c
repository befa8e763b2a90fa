#include "micro/kernels/lstm_s16.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "lstm_cell.h"

/* int16 x int8 products reach 2^22 in magnitude, so a chunk of 256 of them sums exactly in
 * int32; the chunks add up in int64 as TFLM's int64 accumulator does. */
#define CHUNK 256

static void dot4_wide(const int8_t *w, int64_t stride, const int16_t *x, int32_t n,
                      int64_t out[MICRO_LSTM_GATES])
{
    for (int32_t g = 0; g < MICRO_LSTM_GATES; ++g) {
        out[g] = 0;
    }
    for (int32_t k = 0; k < n; k += CHUNK) {
        const int32_t len = n - k < CHUNK ? n - k : CHUNK;
        int32_t part[MICRO_LSTM_GATES];
        micro_dot4_s8_s16(w + k, stride, x + k, len, part);
        for (int32_t g = 0; g < MICRO_LSTM_GATES; ++g) {
            out[g] += part[g];
        }
    }
}

/* clamp16(requant64(dot + bias)): one gate projection, Q3.12. The host refuses biases
 * beyond 2^46, so the clamp only keeps a corrupt Program inside requant64's range. */
static int32_t project(int64_t dot, int64_t bias, int32_t multiplier, int32_t shift)
{
    const int64_t limit = (int64_t)1 << 46;
    bias = bias < -limit ? -limit : (bias > limit ? limit : bias);
    return micro_clamp(micro_requantize_s64(dot + bias, multiplier, shift), INT16_MIN,
                       INT16_MAX);
}

/* dst[k] = src[k] for k < n, dst[k] = 0 for n <= k < padded. */
static void pad_copy(int16_t *dst, const int16_t *src, int32_t n, int32_t padded)
{
    memcpy(dst, src, (size_t)n * sizeof(int16_t));
    memset(dst + n, 0, (size_t)(padded - n) * sizeof(int16_t));
}

#define LT int16_t
#define LT_MIN INT16_MIN
#define LT_MAX INT16_MAX
#define LACC int64_t
#define LF(name) micro_lstm_s16##name
#define LOP(slot) MICRO_LSTM_S16_##slot
#define LSTM_DOT4 dot4_wide
#define LSTM_WIDEN pad_copy
#include "lstm_template.h"

/* Overlap rule: none (every gate reads the whole input before the state and the output are
 * written). */
const micro_kernel_t micro_kernel_lstm_s16 = {step, check, sizeof(micro_lstm_s16_params_t),
                                              MICRO_LSTM_S16_N_OPERANDS, MICRO_OVERLAP_NONE};
