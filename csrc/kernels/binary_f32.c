#include "micro/kernels/binary_f32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "broadcast_loop.h"
#include "check.h"
#include "float_bits.h"

/* TFLM's FloorMod: the truncated remainder moved to the divisor's sign. */
static inline float floor_mod(float x, float y)
{
    const float r = micro_fmod_f32(x, y);
    return (r != 0 && ((y < 0) != (r < 0))) ? r + y : r;
}

static inline float apply(int32_t op, float x, float y, float lo, float hi)
{
    float v;
    switch (op) {
    case MICRO_BINARY_F32_ADD: v = x + y; break;
    case MICRO_BINARY_F32_SUB: v = x - y; break;
    case MICRO_BINARY_F32_MUL: v = x * y; break;
    case MICRO_BINARY_F32_DIV: v = x / y; break;
    case MICRO_BINARY_F32_SQUARED_DIFFERENCE: v = (x - y) * (x - y); break;
    case MICRO_BINARY_F32_MAXIMUM: v = x > y ? x : y; break;
    case MICRO_BINARY_F32_FLOOR_DIV: v = (float)micro_floor_f64((double)x / (double)y); break;
    case MICRO_BINARY_F32_FLOOR_MOD: v = floor_mod(x, y); break;
    case MICRO_BINARY_F32_PRELU: v = x >= 0.0f ? x : x * y; break;
    case MICRO_BINARY_F32_LEAKY_RELU: v = x > 0.0f ? x : x * y; break;
    default: v = x < y ? x : y; break;
    }
    v = v < lo ? lo : v; /* std::max(v, lo) */
    return hi < v ? hi : v; /* std::min(v, hi) */
}

/* One row for a fixed op: the switch in f32_row makes `op` a constant in each copy. */
static inline void row_op(int32_t op, const float *a, int32_t stride_a, const float *b,
                          int32_t stride_b, float *out, int32_t n, float lo, float hi)
{
    if (stride_a == 0) {
        const float x = a[0];
        for (int32_t i = 0; i < n; ++i) {
            out[i] = apply(op, x, b[i * stride_b], lo, hi);
        }
    } else if (stride_b == 0) {
        const float y = b[0];
        for (int32_t i = 0; i < n; ++i) {
            out[i] = apply(op, a[i * stride_a], y, lo, hi);
        }
    } else {
        for (int32_t i = 0; i < n; ++i) {
            out[i] = apply(op, a[i * stride_a], b[i * stride_b], lo, hi);
        }
    }
}

static void f32_row(const void *params, const void *input1, int32_t stride_a, const void *input2,
                    int32_t stride_b, void *output, int32_t n)
{
    const micro_binary_f32_params_t *p = params;
    const float lo = p->act_min, hi = p->act_max;
    switch (p->op) {
    case MICRO_BINARY_F32_ADD:
        row_op(MICRO_BINARY_F32_ADD, input1, stride_a, input2, stride_b, output, n, lo, hi);
        break;
    case MICRO_BINARY_F32_SUB:
        row_op(MICRO_BINARY_F32_SUB, input1, stride_a, input2, stride_b, output, n, lo, hi);
        break;
    case MICRO_BINARY_F32_MUL:
        row_op(MICRO_BINARY_F32_MUL, input1, stride_a, input2, stride_b, output, n, lo, hi);
        break;
    case MICRO_BINARY_F32_DIV:
        row_op(MICRO_BINARY_F32_DIV, input1, stride_a, input2, stride_b, output, n, lo, hi);
        break;
    case MICRO_BINARY_F32_SQUARED_DIFFERENCE:
        row_op(MICRO_BINARY_F32_SQUARED_DIFFERENCE, input1, stride_a, input2, stride_b, output,
               n, lo, hi);
        break;
    case MICRO_BINARY_F32_MAXIMUM:
        row_op(MICRO_BINARY_F32_MAXIMUM, input1, stride_a, input2, stride_b, output, n, lo, hi);
        break;
    case MICRO_BINARY_F32_FLOOR_DIV:
        row_op(MICRO_BINARY_F32_FLOOR_DIV, input1, stride_a, input2, stride_b, output, n, lo, hi);
        break;
    case MICRO_BINARY_F32_FLOOR_MOD:
        row_op(MICRO_BINARY_F32_FLOOR_MOD, input1, stride_a, input2, stride_b, output, n, lo, hi);
        break;
    case MICRO_BINARY_F32_PRELU:
        row_op(MICRO_BINARY_F32_PRELU, input1, stride_a, input2, stride_b, output, n, lo, hi);
        break;
    case MICRO_BINARY_F32_LEAKY_RELU:
        row_op(MICRO_BINARY_F32_LEAKY_RELU, input1, stride_a, input2, stride_b, output, n, lo, hi);
        break;
    default:
        row_op(MICRO_BINARY_F32_MINIMUM, input1, stride_a, input2, stride_b, output, n, lo, hi);
        break;
    }
}

/* 1 if some element input2 reaches is zero (TFLM's FLOOR_DIV refuses to run then). */
static int reaches_zero(const micro_broadcast_t *b, const float *input2)
{
    int64_t last = 0;
    for (int32_t d = 0; d < b->rank; ++d) {
        last += (int64_t)(b->dims[d] - 1) * b->stride2[d];
    }
    for (int64_t i = 0; i <= last; ++i) {
        if (input2[i] == 0.0f) {
            return 1;
        }
    }
    return 0;
}

micro_status_t micro_binary_f32(const micro_binary_f32_params_t *p, const float *input1,
                                const float *input2, float *output)
{
    if (p->op == MICRO_BINARY_F32_FLOOR_DIV && reaches_zero(&p->broadcast, input2)) {
        return MICRO_ERR_PARAMS;
    }
    micro_broadcast_walk(&p->broadcast, input1, input2, output, 4, f32_row, p);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_binary_f32(params, op[MICRO_BINARY_F32_INPUT1], op[MICRO_BINARY_F32_INPUT2],
                            op[MICRO_BINARY_F32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_binary_f32_params_t *p = params;
    (void)op;
    if (!micro_in_range(p->op, 0, 10) || !(p->act_min <= p->act_max)) {
        return MICRO_ERR_PARAMS;
    }
    return micro_broadcast_check(&p->broadcast, size[MICRO_BINARY_F32_INPUT1],
                                 size[MICRO_BINARY_F32_INPUT2], size[MICRO_BINARY_F32_OUTPUT], 4);
}

/* Overlap rule, output over an input: rows of the broadcast walk, element i read before it is written (micro_broadcast_gap). */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_binary_f32_params_t *p = params;
    (void)size;
    if (out != MICRO_BINARY_F32_OUTPUT || (in != MICRO_BINARY_F32_INPUT1 && in != MICRO_BINARY_F32_INPUT2)) {
        return MICRO_NO_OVERLAP;
    }
    return micro_broadcast_gap(&p->broadcast, in == MICRO_BINARY_F32_INPUT1, 4, 4);
}

const micro_kernel_t micro_kernel_binary_f32 = {step, check, sizeof(micro_binary_f32_params_t),
                                                MICRO_BINARY_F32_N_OPERANDS, gap};
