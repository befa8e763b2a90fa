#include "micro/kernels/dequantize_f32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "overlap.h"

micro_status_t micro_dequantize_f32(const micro_dequantize_f32_params_t *p, const void *input,
                                    float *output)
{
    const int32_t zp = p->input_zp;
    const float scale = p->scale;
    if (p->input_type == MICRO_DEQUANTIZE_S8) {
        const int8_t *in = input;
        for (int32_t i = 0; i < p->count; ++i) {
            output[i] = scale * (float)(in[i] - zp);
        }
    } else if (p->input_type == MICRO_DEQUANTIZE_U8) {
        const uint8_t *in = input;
        for (int32_t i = 0; i < p->count; ++i) {
            output[i] = scale * (float)(in[i] - zp);
        }
    } else {
        const int16_t *in = input;
        for (int32_t i = 0; i < p->count; ++i) {
            output[i] = scale * (float)(in[i] - zp);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_dequantize_f32(params, op[MICRO_DEQUANTIZE_F32_INPUT],
                                op[MICRO_DEQUANTIZE_F32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_dequantize_f32_params_t *p = params;
    (void)op;
    const int32_t type = p->input_type;
    const int32_t lo = type == MICRO_DEQUANTIZE_S8 ? -128 : type == MICRO_DEQUANTIZE_U8 ? 0 : -32768;
    const int32_t hi = type == MICRO_DEQUANTIZE_S8 ? 127 : type == MICRO_DEQUANTIZE_U8 ? 255 : 32767;
    if (micro_count(&p->count, 1) < 0 || !micro_in_range(type, 0, 2) ||
        !micro_in_range(p->input_zp, lo, hi)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t width = type == MICRO_DEQUANTIZE_S16 ? 2 : 1;
    if (!micro_fits(size[MICRO_DEQUANTIZE_F32_INPUT], p->count, width) ||
        !micro_fits(size[MICRO_DEQUANTIZE_F32_OUTPUT], p->count, 4)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: element i is read, dequantized, written; the wider output starts below. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_dequantize_f32_params_t *p = params;
    (void)size;
    return in == MICRO_DEQUANTIZE_F32_INPUT && out == MICRO_DEQUANTIZE_F32_OUTPUT ? micro_elementwise_gap(p->count, p->input_type == MICRO_DEQUANTIZE_S16 ? 2 : 1, 4)
                                      : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_dequantize_f32 = {
    step, check, sizeof(micro_dequantize_f32_params_t), MICRO_DEQUANTIZE_F32_N_OPERANDS, gap};
