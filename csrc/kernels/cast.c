#include "micro/kernels/cast.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "overlap.h"

/* Integer sources are widened to their 32-bit two's complement pattern `u`; every integer
 * target is a function of `u` alone, and float targets of the source's value. */
static inline int8_t wrap8(uint32_t u)
{
    return (int8_t)((int32_t)((u & 0xFFu) ^ 0x80u) - 0x80);
}

static inline int16_t wrap16(uint32_t u)
{
    return (int16_t)((int32_t)((u & 0xFFFFu) ^ 0x8000u) - 0x8000);
}

static inline int32_t wrap32(uint32_t u)
{
    return (int32_t)(u & 0x7FFFFFFFu) + ((u >> 31) != 0 ? INT32_MIN : 0);
}

/* float -> integer saturates to the target's range and takes NaN to 0: TFLM's result on
 * its host build, and what Arm's VCVT does. C leaves out-of-range conversions undefined,
 * so the range is checked before converting. */
static inline int32_t float_to_int(float x, float lo, float hi, int32_t min, int32_t max)
{
    if (!(x == x)) {
        return 0;
    }
    return x <= lo ? min : (x >= hi ? max : (int32_t)x);
}

static inline uint32_t float_to_u32(float x)
{
    if (!(x > 0.0f)) {   /* NaN, negative and zero */
        return 0;
    }
    return x >= 4294967296.0f ? UINT32_MAX : (uint32_t)x;
}

/* The dispatch is a table of loops, not a switch or an if-chain (which GCC also turns into
 * a switch): on Thumb-1 a switch calls a libgcc case-table helper. */
typedef void (*cast_loop_t)(const void *input, void *output, int32_t n);

/* A loop converting n values of TYPE_IN `x` to TYPE_OUT as EXPR. */
#define CAST_LOOP(NAME, TYPE_IN, TYPE_OUT, EXPR)                             \
    static void NAME(const void *input, void *output, int32_t n)             \
    {                                                                        \
        const TYPE_IN *in_ = (const TYPE_IN *)input;                         \
        TYPE_OUT *out_ = (TYPE_OUT *)output;                                 \
        for (int32_t i = 0; i < n; ++i) {                                    \
            const TYPE_IN x = in_[i];                                        \
            out_[i] = (EXPR);                                                \
        }                                                                    \
    }

/* The loops for one integer source type: U is its 32-bit pattern, F its float value. */
#define CAST_FROM_INTEGER(NAME, TYPE_IN, U, F)                               \
    CAST_LOOP(NAME##_to_int8, TYPE_IN, int8_t, wrap8(U))                     \
    CAST_LOOP(NAME##_to_int16, TYPE_IN, int16_t, wrap16(U))                  \
    CAST_LOOP(NAME##_to_int32, TYPE_IN, int32_t, wrap32(U))                  \
    CAST_LOOP(NAME##_to_uint32, TYPE_IN, uint32_t, (U))                      \
    CAST_LOOP(NAME##_to_float, TYPE_IN, float, (F))

CAST_FROM_INTEGER(int8, int8_t, (uint32_t)(int32_t)x, (float)x)
CAST_FROM_INTEGER(int16, int16_t, (uint32_t)(int32_t)x, (float)x)
CAST_FROM_INTEGER(int32, int32_t, (uint32_t)x, (float)x)
CAST_FROM_INTEGER(uint32, uint32_t, x, (float)x)
CAST_FROM_INTEGER(bool, uint8_t, (uint32_t)(x != 0), (float)(x != 0))
CAST_LOOP(float_to_int8, float, int8_t, (int8_t)float_to_int(x, -128.0f, 127.0f, -128, 127))
CAST_LOOP(float_to_int16, float, int16_t,
          (int16_t)float_to_int(x, -32768.0f, 32767.0f, -32768, 32767))
CAST_LOOP(float_to_int32, float, int32_t,
          float_to_int(x, -2147483648.0f, 2147483648.0f, INT32_MIN, INT32_MAX))
CAST_LOOP(float_to_uint32, float, uint32_t, float_to_u32(x))
CAST_LOOP(float_to_float, float, float, x)

#define CAST_ROW(NAME) {NAME##_to_int8, NAME##_to_int16, NAME##_to_int32, NAME##_to_uint32, \
                        NAME##_to_float}

/* [from][to], in MICRO_CAST_* order (INT8, INT16, INT32, UINT32, FLOAT32, BOOL). */
static const cast_loop_t cast_loops[6][5] = {CAST_ROW(int8),   CAST_ROW(int16), CAST_ROW(int32),
                                             CAST_ROW(uint32), CAST_ROW(float), CAST_ROW(bool)};

/* int32 <-> uint32 (and either to itself) keeps every bit: a copy, 8 words a turn (read
 * into registers, as LDRD pairs on Cortex-M, then written). In place, or with the output below the input (the overlap rule), each turn reads its
 * words before writing them, below any word not yet read. */

static void copy_words(const void *input, void *output, int32_t n)
{
    const uint32_t *in = input;
    uint32_t *out = output;
    for (; n >= 8; n -= 8, in += 8, out += 8) {
        const uint32_t a = in[0], b = in[1], c = in[2], d = in[3];
        const uint32_t e = in[4], f = in[5], g = in[6], h = in[7];
        out[0] = a;
        out[1] = b;
        out[2] = c;
        out[3] = d;
        out[4] = e;
        out[5] = f;
        out[6] = g;
        out[7] = h;
    }
    for (int32_t i = 0; i < n; ++i) {
        out[i] = in[i];
    }
}

micro_status_t micro_cast(const micro_cast_params_t *p, const void *input, void *output)
{
    /* Out-of-range types (refused by check) are taken as FLOAT32. */
    const int32_t from = micro_in_range(p->from, MICRO_CAST_INT8, MICRO_CAST_BOOL)
                             ? p->from
                             : MICRO_CAST_FLOAT32;
    const int32_t to = micro_in_range(p->to, MICRO_CAST_INT8, MICRO_CAST_FLOAT32)
                           ? p->to
                           : MICRO_CAST_FLOAT32;
    const int words = (from == MICRO_CAST_INT32 || from == MICRO_CAST_UINT32) &&
                      (to == MICRO_CAST_INT32 || to == MICRO_CAST_UINT32);
    (words ? copy_words : cast_loops[from][to])(input, output, p->count);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_cast(params, op[MICRO_CAST_INPUT], op[MICRO_CAST_OUTPUT]);
}

static int32_t width(int32_t type)
{
    return type == MICRO_CAST_INT8 || type == MICRO_CAST_BOOL ? 1
           : type == MICRO_CAST_INT16                          ? 2
                                                               : 4;
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_cast_params_t *p = params;
    (void)op;
    if (p->count < 1 || !micro_in_range(p->from, MICRO_CAST_INT8, MICRO_CAST_BOOL) ||
        !micro_in_range(p->to, MICRO_CAST_INT8, MICRO_CAST_FLOAT32)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_CAST_INPUT], p->count, width(p->from)) ||
        !micro_fits(size[MICRO_CAST_OUTPUT], p->count, width(p->to))) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: element i is read, converted, written; a wider output starts below. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_cast_params_t *p = params;
    (void)size;
    return in == MICRO_CAST_INPUT && out == MICRO_CAST_OUTPUT ? micro_elementwise_gap(p->count, width(p->from), width(p->to))
                                      : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_cast = {step, check, sizeof(micro_cast_params_t),
                                          MICRO_CAST_N_OPERANDS, gap};
