#include "micro/kernels/add_s8.h"

#include "micro/kernel.h"
#include "broadcast_loop.h"
#include "check.h"
#include "requant.h"

#define ADD_LEFT_SHIFT 20

static inline int32_t scale_input(int32_t x, int32_t zp, int32_t multiplier, int32_t shift)
{
    return micro_requantize((x - zp) * (1 << ADD_LEFT_SHIFT), multiplier, shift);
}

static inline int8_t finish(const micro_add_s8_params_t *p, int32_t sum)
{
    const int32_t out = micro_requantize(sum, p->output_multiplier, p->output_shift) + p->output_zp;
    return (int8_t)micro_clamp(out, p->act_min, p->act_max);
}

/* One row; `negate` is 0 (ADD) or -1 (SUB): (t ^ negate) - negate is t or -t. */
static void add_row(const void *params, const int8_t *a, int32_t stride_a, const int8_t *b,
                    int32_t stride_b, int8_t *out, int32_t n)
{
    const micro_add_s8_params_t *p = params;
    const int32_t negate = -p->subtract;
    const int32_t m1 = p->input1_multiplier, s1 = p->input1_shift, zp1 = p->input1_zp;
    const int32_t m2 = p->input2_multiplier, s2 = p->input2_shift, zp2 = p->input2_zp;
    if (stride_a == 0) {
        const int32_t t1 = scale_input(a[0], zp1, m1, s1);
        for (int32_t i = 0; i < n; ++i) {
            const int32_t t2 = scale_input(b[i * stride_b], zp2, m2, s2);
            out[i] = finish(p, t1 + ((t2 ^ negate) - negate));
        }
    } else if (stride_b == 0) {
        const int32_t t2 = scale_input(b[0], zp2, m2, s2);
        const int32_t t2s = (t2 ^ negate) - negate;
        for (int32_t i = 0; i < n; ++i) {
            out[i] = finish(p, scale_input(a[i * stride_a], zp1, m1, s1) + t2s);
        }
    } else {
        for (int32_t i = 0; i < n; ++i) {
            const int32_t t1 = scale_input(a[i * stride_a], zp1, m1, s1);
            const int32_t t2 = scale_input(b[i * stride_b], zp2, m2, s2);
            out[i] = finish(p, t1 + ((t2 ^ negate) - negate));
        }
    }
}

micro_status_t micro_add_s8(const micro_add_s8_params_t *p, const int8_t *input1,
                            const int8_t *input2, int8_t *output)
{
    micro_broadcast_walk(p->rank, p->dims, p->stride1, p->stride2, input1, input2, output,
                         add_row, p);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_add_s8(params, op[0], op[1], op[2]);
}

static int shift_ok(int32_t multiplier, int32_t shift)
{
    return multiplier >= 0 && micro_in_range(shift, -31, 0);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_add_s8_params_t *p = params;
    (void)op;
    const int64_t count = micro_broadcast_count(p->rank, p->dims);
    if (count < 0 || !micro_in_range(p->subtract, 0, 1) ||
        !micro_in_range(p->input1_zp, -128, 127) || !micro_in_range(p->input2_zp, -128, 127) ||
        !micro_in_range(p->output_zp, -128, 127) ||
        !shift_ok(p->input1_multiplier, p->input1_shift) ||
        !shift_ok(p->input2_multiplier, p->input2_shift) ||
        !shift_ok(p->output_multiplier, p->output_shift) ||
        !micro_in_range(p->act_min, -128, 127) || !micro_in_range(p->act_max, p->act_min, 127)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t extent1 = micro_broadcast_extent(p->rank, p->dims, p->stride1);
    const int64_t extent2 = micro_broadcast_extent(p->rank, p->dims, p->stride2);
    if (extent1 < 0 || extent2 < 0) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], extent1, 1) || !micro_fits(size[1], extent2, 1) ||
        !micro_fits(size[2], count, 1)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

const micro_kernel_t micro_kernel_add_s8 = {step, check, sizeof(micro_add_s8_params_t), 3};
