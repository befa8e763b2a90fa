#include "micro/kernels/requantize_int.h"

#include <stddef.h>

#include "micro/config.h"
#include "micro/kernel.h"
#include "micro/kernels/requantize_int_dsp.h"
#include "check.h"
#include "overlap.h"
#include "requant.h"

static inline int32_t load(const void *data, int32_t bits, int32_t i)
{
    if (bits == 8) {
        return ((const int8_t *)data)[i];
    }
    if (bits == 16) {
        return ((const int16_t *)data)[i];
    }
    return ((const int32_t *)data)[i];
}

static inline void store(void *data, int32_t bits, int32_t i, int32_t value)
{
    if (bits == 8) {
        ((int8_t *)data)[i] = (int8_t)micro_clamp(value, -128, 127);
    } else if (bits == 16) {
        ((int16_t *)data)[i] = (int16_t)micro_clamp(value, -32768, 32767);
    } else {
        ((int32_t *)data)[i] = value;
    }
}

/* One loop per type pair: the branches in load/store fold away for constant widths. */
static inline void run(const micro_requantize_int_params_t *p, const void *input,
                       int32_t in_bits, void *output, int32_t out_bits)
{
    const uint32_t zp_in = (uint32_t)p->input_zp, zp_out = (uint32_t)p->output_zp;
    const int32_t multiplier = p->multiplier, shift = p->shift, n = p->count;
    for (int32_t i = 0; i < n; ++i) {
        const int32_t v = (int32_t)((uint32_t)load(input, in_bits, i) - zp_in);
        const int32_t scaled = micro_requantize(v, multiplier, shift);
        store(output, out_bits, i, (int32_t)((uint32_t)scaled + zp_out));
    }
}

micro_status_t micro_requantize_int(const micro_requantize_int_params_t *p, const void *input,
                                    void *output)
{
    /* An if chain, not a switch: Thumb-1 would call a libgcc helper for a case table. */
    const int32_t in_bits = p->input_bits, out_bits = p->output_bits;
    if (in_bits == 8 && out_bits == 16) {
        run(p, input, 8, output, 16);
    } else if (in_bits == 8) {
        run(p, input, 8, output, 32);
    } else if (in_bits == 16 && out_bits == 8) {
        run(p, input, 16, output, 8);
    } else if (in_bits == 16 && out_bits == 16) {
        run(p, input, 16, output, 16);
    } else if (in_bits == 16) {
        run(p, input, 16, output, 32);
    } else if (out_bits == 8) {
        run(p, input, 32, output, 8);
    } else {
        run(p, input, 32, output, 16);
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return (MICRO_DSP ? micro_requantize_int_dsp : micro_requantize_int)(
        params, op[MICRO_REQUANTIZE_INT_INPUT], op[MICRO_REQUANTIZE_INT_OUTPUT]);
}

static int32_t type_limit(int32_t bits)
{
    return bits == 8 ? 128 : bits == 16 ? 32768 : 0;
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_requantize_int_params_t *p = params;
    (void)op;
    const int32_t in_bits = p->input_bits, out_bits = p->output_bits;
    const int widths_ok = (in_bits == 8 || in_bits == 16 || in_bits == 32) &&
                          (out_bits == 8 || out_bits == 16 || out_bits == 32) &&
                          !(in_bits == 8 && out_bits == 8) && !(in_bits == 32 && out_bits == 32);
    if (micro_count(&p->count, 1) < 0 || !widths_ok ||
        (type_limit(in_bits) && !micro_in_range(p->input_zp, -type_limit(in_bits),
                                                type_limit(in_bits) - 1)) ||
        (type_limit(out_bits) && !micro_in_range(p->output_zp, -type_limit(out_bits),
                                                 type_limit(out_bits) - 1)) ||
        !micro_requant_ok(&p->multiplier, &p->shift, 1)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_REQUANTIZE_INT_INPUT], p->count, in_bits / 8) ||
        !micro_fits(size[MICRO_REQUANTIZE_INT_OUTPUT], p->count, out_bits / 8)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: element i is loaded, requantized, stored; a wider output starts below. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_requantize_int_params_t *p = params;
    (void)size;
    return in == MICRO_REQUANTIZE_INT_INPUT && out == MICRO_REQUANTIZE_INT_OUTPUT ? micro_elementwise_gap(p->count, p->input_bits / 8, p->output_bits / 8)
                                      : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_requantize_int = {
    step, check, sizeof(micro_requantize_int_params_t), MICRO_REQUANTIZE_INT_N_OPERANDS, gap};
