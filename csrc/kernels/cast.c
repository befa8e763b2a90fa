#include "micro/kernels/cast.h"

#include "micro/kernel.h"
#include "check.h"

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

#define CAST_LOOP(TYPE_IN, TYPE_OUT, EXPR)                                   \
    do {                                                                     \
        const TYPE_IN *in_ = (const TYPE_IN *)input;                         \
        TYPE_OUT *out_ = (TYPE_OUT *)output;                                 \
        for (int32_t i = 0; i < n; ++i) {                                    \
            const TYPE_IN x = in_[i];                                        \
            out_[i] = (EXPR);                                                \
        }                                                                    \
    } while (0)

/* The loops for one integer source type: U is its 32-bit pattern, F its float value. */
#define CAST_FROM_INTEGER(TYPE_IN, U, F)                                     \
    switch (p->to) {                                                         \
    case MICRO_CAST_INT8:                                                    \
        CAST_LOOP(TYPE_IN, int8_t, wrap8(U));                                \
        break;                                                               \
    case MICRO_CAST_INT16:                                                   \
        CAST_LOOP(TYPE_IN, int16_t, wrap16(U));                              \
        break;                                                               \
    case MICRO_CAST_INT32:                                                   \
        CAST_LOOP(TYPE_IN, int32_t, wrap32(U));                              \
        break;                                                               \
    case MICRO_CAST_UINT32:                                                  \
        CAST_LOOP(TYPE_IN, uint32_t, (U));                                   \
        break;                                                               \
    default:                                                                 \
        CAST_LOOP(TYPE_IN, float, (F));                                      \
        break;                                                               \
    }

static void cast_from_float(const micro_cast_params_t *p, const void *input, void *output)
{
    const int32_t n = p->count;
    switch (p->to) {
    case MICRO_CAST_INT8:
        CAST_LOOP(float, int8_t, (int8_t)float_to_int(x, -128.0f, 127.0f, -128, 127));
        break;
    case MICRO_CAST_INT16:
        CAST_LOOP(float, int16_t,
                  (int16_t)float_to_int(x, -32768.0f, 32767.0f, -32768, 32767));
        break;
    case MICRO_CAST_INT32:
        CAST_LOOP(float, int32_t,
                  float_to_int(x, -2147483648.0f, 2147483648.0f, INT32_MIN, INT32_MAX));
        break;
    case MICRO_CAST_UINT32:
        CAST_LOOP(float, uint32_t, float_to_u32(x));
        break;
    default:
        CAST_LOOP(float, float, x);
        break;
    }
}

micro_status_t micro_cast(const micro_cast_params_t *p, const void *input, void *output)
{
    const int32_t n = p->count;
    switch (p->from) {
    case MICRO_CAST_INT8:
        CAST_FROM_INTEGER(int8_t, (uint32_t)(int32_t)x, (float)x);
        break;
    case MICRO_CAST_INT16:
        CAST_FROM_INTEGER(int16_t, (uint32_t)(int32_t)x, (float)x);
        break;
    case MICRO_CAST_INT32:
        CAST_FROM_INTEGER(int32_t, (uint32_t)x, (float)x);
        break;
    case MICRO_CAST_UINT32:
        CAST_FROM_INTEGER(uint32_t, x, (float)x);
        break;
    case MICRO_CAST_BOOL:
        CAST_FROM_INTEGER(uint8_t, (uint32_t)(x != 0), (float)(x != 0));
        break;
    default:
        cast_from_float(p, input, output);
        break;
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_cast(params, op[0], op[1]);
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
    if (!micro_fits(size[0], p->count, width(p->from)) ||
        !micro_fits(size[1], p->count, width(p->to))) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

const micro_kernel_t micro_kernel_cast = {step, check, sizeof(micro_cast_params_t), 2};
