#include "micro/kernels/requantize_s16.h"

#include "micro/kernel.h"
#include "check.h"
#include "requant.h"

static inline int32_t one(const micro_requantize_s16_params_t *p, int32_t x, int32_t qmin,
                          int32_t qmax)
{
    const int32_t out = micro_requantize(x - p->input_zp, p->multiplier, p->shift);
    return micro_clamp(out + p->output_zp, qmin, qmax);
}

micro_status_t micro_requantize_s16(const micro_requantize_s16_params_t *p, const void *input,
                                    void *output)
{
    const int32_t n = p->count;
    const int32_t qmax = p->output_bits == 8 ? 127 : 32767, qmin = -qmax - 1;
    if (p->input_bits == 8) {
        const int8_t *in = input;
        int16_t *out = output; /* int8 -> int8 is a table, so the output is int16 */
        for (int32_t i = 0; i < n; ++i) {
            out[i] = (int16_t)one(p, in[i], qmin, qmax);
        }
    } else if (p->output_bits == 8) {
        const int16_t *in = input;
        int8_t *out = output;
        for (int32_t i = 0; i < n; ++i) {
            out[i] = (int8_t)one(p, in[i], qmin, qmax);
        }
    } else {
        const int16_t *in = input;
        int16_t *out = output;
        for (int32_t i = 0; i < n; ++i) {
            out[i] = (int16_t)one(p, in[i], qmin, qmax);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_requantize_s16(params, op[0], op[1]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_requantize_s16_params_t *p = params;
    (void)op;
    const int32_t in_bits = p->input_bits, out_bits = p->output_bits;
    const int32_t in_limit = in_bits == 8 ? 128 : 32768, out_limit = out_bits == 8 ? 128 : 32768;
    if (micro_count(&p->count, 1) < 0 || (in_bits != 8 && in_bits != 16) ||
        (out_bits != 8 && out_bits != 16) || (in_bits == 8 && out_bits == 8) ||
        !micro_in_range(p->input_zp, -in_limit, in_limit - 1) ||
        !micro_in_range(p->output_zp, -out_limit, out_limit - 1) ||
        !micro_requant_ok(&p->multiplier, &p->shift, 1)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], p->count, in_bits / 8) ||
        !micro_fits(size[1], p->count, out_bits / 8)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

const micro_kernel_t micro_kernel_requantize_s16 = {
    step, check, sizeof(micro_requantize_s16_params_t), 2};
