#include "micro/kernels/div_s8.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "broadcast_loop.h"
#include "check.h"
#include "fixedpoint.h"
#include "requant.h"

typedef struct {
    const micro_div_s8_params_t *p;
    const int32_t *reciprocals;
} div_ctx_t;

/* CountLeadingSignBits of an int32 (31 for 0, as the reference's). */
static int32_t leading_sign_bits(int32_t x)
{
    const uint32_t magnitude = x < 0 ? ~(uint32_t)x : (uint32_t)x;
    return magnitude == 0 ? 31 : micro_clz32(magnitude) - 1;
}

/* RoundingDivideByPOT for an exponent in [0, 63] as TFLM's x86-64 build computes it: the
 * mask from a 64-bit shift truncated to 32 bits, the shift count of x taken modulo 32. */
static int32_t divide_by_pot_x86(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)(uint32_t)((UINT64_C(1) << exponent) - 1);
    const int32_t threshold = (exponent >= 32 ? -1 : mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> (exponent & 31)) + ((x & mask) > threshold ? 1 : 0);
}

static void div_row(const void *ctx, const void *input1, int32_t stride_a, const void *input2,
                    int32_t stride_b, void *output, int32_t n)
{
    const div_ctx_t *c = ctx;
    const micro_div_s8_params_t *p = c->p;
    const int8_t *a = input1, *b = input2;
    int8_t *out = output;
    for (int32_t i = 0; i < n; ++i) {
        const int8_t divisor = b[i * stride_b];
        int32_t x = a[i * stride_a] - p->input1_zp;
        if (divisor - p->input2_zp < 0) {
            x = -x;
        }
        const uint8_t k = (uint8_t)divisor;
        const int32_t h = leading_sign_bits(x);
        const int32_t q = micro_high_mul((int32_t)((uint32_t)x << h), c->reciprocals[k]);
        const int32_t exponent = h + c->reciprocals[256 + k] - p->shift;
        const int32_t v = p->output_zp + divide_by_pot_x86(micro_high_mul(q, p->multiplier), exponent);
        out[i] = (int8_t)micro_clamp(v, p->act_min, p->act_max);
    }
}

micro_status_t micro_div_s8(const micro_div_s8_params_t *p, const int8_t *input1,
                            const int8_t *input2, const int32_t *reciprocals, int8_t *output)
{
    const div_ctx_t c = {p, reciprocals};
    micro_broadcast_walk(&p->broadcast, input1, input2, output, 1, div_row, &c);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_div_s8(params, op[0], op[1], op[2], op[3]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_div_s8_params_t *p = params;
    /* The exponent h + e - shift stays in [0, 63] for h in [23, 31] (|x| <= 255), e in
     * [-1, 7] and shift in [-25, 22]. */
    if (!micro_in_range(p->input1_zp, -128, 127) || !micro_in_range(p->input2_zp, -128, 127) ||
        !micro_in_range(p->output_zp, -128, 127) || p->multiplier < 0 ||
        !micro_in_range(p->shift, -25, 22) || !micro_in_range(p->act_min, -128, 127) ||
        !micro_in_range(p->act_max, p->act_min, 127)) {
        return MICRO_ERR_PARAMS;
    }
    const micro_status_t status = micro_broadcast_check(&p->broadcast, size[0], size[1], size[3], 1);
    if (status != MICRO_OK) {
        return status;
    }
    if (!micro_fits(size[2], 512, 4)) {
        return MICRO_ERR_OPERANDS;
    }
    const int32_t *reciprocals = op[2];
    for (int32_t i = 0; i < 256; ++i) {
        if (!micro_in_range(reciprocals[256 + i], -1, 7)) {
            return MICRO_ERR_PARAMS;
        }
    }
    return MICRO_OK;
}

/* Overlap rule: none (kept simple: a broadcast input is read again after outputs are written). */
const micro_kernel_t micro_kernel_div_s8 = {
    step, check, sizeof(micro_div_s8_params_t), MICRO_DIV_S8_N_OPERANDS, MICRO_OVERLAP_NONE};
