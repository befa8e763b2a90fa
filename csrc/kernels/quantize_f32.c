#include "micro/kernels/quantize_f32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "overlap.h"
#include "requant.h"

/* zp + roundf(x / scale), clamped; x / scale is first clamped (NaN to the low side) to a
 * float range just outside the output's, so the conversion to int32 is always defined. */
static inline int32_t quantize_one(float x, float scale, float lo, float hi, int32_t zp,
                                   int32_t qmin, int32_t qmax)
{
    float v = x / scale;
    v = v > lo ? v : lo;
    v = v < hi ? v : hi;
    int32_t q = (int32_t)v;
    const float frac = v - (float)q;
    q += (frac >= 0.5f) - (frac <= -0.5f);
    return micro_clamp(q + zp, qmin, qmax);
}

micro_status_t micro_quantize_f32(const micro_quantize_f32_params_t *p, const float *input,
                                  void *output)
{
    const int32_t zp = p->output_zp;
    const int32_t qmax = p->output_bits == 8 ? 127 : 32767, qmin = -qmax - 1;
    const float lo = (float)(qmin - zp - 1), hi = (float)(qmax - zp + 1);
    const float scale = p->scale;
    const int32_t n = p->count; /* a local: int8 stores may alias *p */
    if (p->output_bits == 8) {
        int8_t *out = output;
        for (int32_t i = 0; i < n; ++i) {
            out[i] = (int8_t)quantize_one(input[i], scale, lo, hi, zp, qmin, qmax);
        }
    } else {
        int16_t *out = output;
        for (int32_t i = 0; i < n; ++i) {
            out[i] = (int16_t)quantize_one(input[i], scale, lo, hi, zp, qmin, qmax);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_quantize_f32(params, op[MICRO_QUANTIZE_F32_INPUT], op[MICRO_QUANTIZE_F32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_quantize_f32_params_t *p = params;
    (void)op;
    const int32_t limit = p->output_bits == 8 ? 128 : 32768;
    if (micro_count(&p->count, 1) < 0 || (p->output_bits != 8 && p->output_bits != 16) ||
        !micro_in_range(p->output_zp, -limit, limit - 1) ||
        !(p->scale > 0.0f && p->scale <= 3.0e38f)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_QUANTIZE_F32_INPUT], p->count, 4) ||
        !micro_fits(size[MICRO_QUANTIZE_F32_OUTPUT], p->count, p->output_bits / 8)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: element i is read, quantized, written (narrower: in place). */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_quantize_f32_params_t *p = params;
    (void)size;
    return in == MICRO_QUANTIZE_F32_INPUT && out == MICRO_QUANTIZE_F32_OUTPUT ? micro_elementwise_gap(p->count, 4, p->output_bits / 8)
                                      : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_quantize_f32 = {step, check, sizeof(micro_quantize_f32_params_t),
                                                  MICRO_QUANTIZE_F32_N_OPERANDS, gap};
