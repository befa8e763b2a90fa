#include "micro/kernels/log_softmax_s8.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "fixedpoint.h"
#include "requant.h"

/* SaturatingRoundingMultiplyByPOTParam: x * 2^exponent, saturating left, rounding right. */
static int32_t mul_pot(int32_t x, int32_t exponent)
{
    if (exponent > 0) {
        return micro_fx_shift_left_sat(x, exponent);
    }
    return exponent < 0 ? micro_round_shift_right(x, -exponent) : x;
}

static int32_t sat64(int64_t x)
{
    return (int32_t)(x > INT32_MAX ? INT32_MAX : x < INT32_MIN ? INT32_MIN : x);
}

static int32_t clz_or_32(int32_t x)
{
    return x == 0 ? 32 : micro_clz32((uint32_t)x);
}

/* gemmlowp-style log(z) in Q5 of a Q12 z >= 1 (TFLite's
 * log_x_for_x_greater_than_or_equal_to_1<5, 12>): z = r * 2^k with r near 1 taken two ways
 * (plain and times sqrt(1/2)), then a rational approximation of log(r) around 2^-1/4. */
static int32_t log_q5_of_q12(int32_t z)
{
    const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250;
    const int32_t alpha_n = 117049297, alpha_d = 127690142, alpha_i = 1057819769;
    const int32_t alpha_f = 638450708, quarter_q6 = INT32_C(1) << 23;
    const int32_t a_headroom_plus_1 = clz_or_32(z);
    const int32_t r_a = mul_pot(micro_high_mul(mul_pot(z, a_headroom_plus_1 - 1), sqrt_half), 1);
    const int32_t a_pow = sat64((int64_t)mul_pot(12 - a_headroom_plus_1, 25) + quarter_q6);
    const int32_t z_b = micro_high_mul(z, sqrt_half);
    const int32_t b_headroom = clz_or_32(z_b) - 1;
    const int32_t r_b = mul_pot(z, b_headroom);
    const int32_t b_pow = sat64((int64_t)mul_pot(12 - b_headroom, 25) - quarter_q6);
    const int32_t r = r_a < r_b ? r_a : r_b;
    const int32_t pow_adj = a_pow > b_pow ? a_pow : b_pow;
    const int32_t p = micro_fx_half_sum(r, sqrt_sqrt_half);
    int32_t q = micro_fx_sub(r, sqrt_sqrt_half);
    q = micro_fx_add(q, q);
    const int32_t sq = micro_high_mul(q, q);
    const int32_t num = micro_fx_add(micro_high_mul(q, r),
                                     micro_high_mul(micro_high_mul(q, sq), alpha_n));
    const int32_t inner = micro_fx_add(micro_fx_add(alpha_i, q), micro_high_mul(alpha_d, sq));
    const int32_t denom_minus_one = micro_fx_add(micro_high_mul(p, inner), micro_high_mul(alpha_f, q));
    const int32_t recip = micro_fx_one_over_one_plus_x(denom_minus_one);
    const int32_t num_q6 = micro_round_shift_right(num, 6);
    const int32_t sum = micro_fx_add(micro_high_mul(pow_adj, log_2), micro_high_mul(num_q6, recip));
    return micro_fx_shift_left_sat(sum, 1);
}

micro_status_t micro_log_softmax_s8(const micro_log_softmax_s8_params_t *p, const int8_t *input,
                                    const int32_t *tables, int8_t *output)
{
    const int32_t *exp_q12 = tables, *diff_q5 = tables + 256;
    for (int32_t r = 0; r < p->rows; ++r) {
        const int8_t *x = input + (int64_t)r * p->depth;
        int8_t *y = output + (int64_t)r * p->depth;
        int32_t max = INT8_MIN;
        for (int32_t c = 0; c < p->depth; ++c) {
            max = x[c] > max ? x[c] : max;
        }
        int32_t sum = 0;
        for (int32_t c = 0; c < p->depth; ++c) {
            sum = micro_fx_add(sum, exp_q12[max - x[c]]); /* 0 below diff_min */
        }
        const int32_t log_sum = log_q5_of_q12(sum);
        const int32_t reversed = micro_requantize(micro_fx_add(log_sum, INT32_MIN),
                                                  p->reverse_multiplier, p->reverse_shift);
        const int32_t cut = reversed > p->diff_min - 1 ? reversed : p->diff_min - 1;
        for (int32_t c = 0; c < p->depth; ++c) {
            const int32_t d = x[c] - max;
            int32_t v = INT8_MIN;
            if (d > cut) {
                v = micro_round_shift_right(micro_fx_sub(diff_q5[-d], log_sum), 22) + INT8_MAX;
            }
            y[c] = (int8_t)micro_clamp(v, INT8_MIN, INT8_MAX);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_log_softmax_s8(params, op[MICRO_LOG_SOFTMAX_S8_INPUT],
                                op[MICRO_LOG_SOFTMAX_S8_TABLES], op[MICRO_LOG_SOFTMAX_S8_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_log_softmax_s8_params_t *p = params;
    if (p->rows < 1 || p->depth < 1 || !micro_in_range(p->diff_min, -256, 0) ||
        p->reverse_multiplier < 0 || !micro_in_range(p->reverse_shift, -31, 0)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t count = (int64_t)p->rows * p->depth;
    if (!micro_fits(size[MICRO_LOG_SOFTMAX_S8_INPUT], count, 1) ||
        !micro_fits(size[MICRO_LOG_SOFTMAX_S8_TABLES], 512, 4) ||
        !micro_fits(size[MICRO_LOG_SOFTMAX_S8_OUTPUT], count, 1)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (each row is read three times: maximum, sum, outputs). */
const micro_kernel_t micro_kernel_log_softmax_s8 = {
    step, check, sizeof(micro_log_softmax_s8_params_t), MICRO_LOG_SOFTMAX_S8_N_OPERANDS, MICRO_OVERLAP_NONE};
