/*
 * micro_program_paths: the DSP kernel paths (micro/paths.h) a Program's steps take, for a
 * firmware built to keep only those. Each kernel's path function is the one its dispatch
 * calls, given the operands as micro_invoke resolves them; the host calls this on the
 * runtime it initialised (micro/firmware/generate.py). A firmware never calls it, so its
 * archive member, and the path functions through it, stay out of the image.
 */
#include <stddef.h>

#include "micro/kernels/conv_s8_dsp.h"
#include "micro/kernels/depthwise_conv_s8_dsp.h"
#include "micro/kernels/fully_connected_s8_dsp.h"
#include "micro/micro.h"
#include "verify.h"

/* The path of one step: its kernel's path function, or 0 (no DSP paths). */
static uint32_t step_path(uint32_t kernel, const void *params, void *const *op)
{
    switch (kernel) {
    case MICRO_K_CONV_S8:
        return micro_conv_s8_dsp_path(params, op[MICRO_CONV_S8_FILTER],
                                      op[MICRO_CONV_S8_MULTIPLIER], op[MICRO_CONV_S8_SHIFT],
                                      op[MICRO_CONV_S8_SCRATCH]);
    case MICRO_K_DEPTHWISE_CONV_S8:
        return micro_depthwise_conv_s8_dsp_path(params, op[MICRO_DEPTHWISE_CONV_S8_FILTER],
                                                op[MICRO_DEPTHWISE_CONV_S8_MULTIPLIER],
                                                op[MICRO_DEPTHWISE_CONV_S8_SHIFT]);
    case MICRO_K_FULLY_CONNECTED_S8:
        return micro_fully_connected_s8_dsp_path(
            params, op[MICRO_FULLY_CONNECTED_S8_FILTER], op[MICRO_FULLY_CONNECTED_S8_MULTIPLIER],
            op[MICRO_FULLY_CONNECTED_S8_SHIFT], op[MICRO_FULLY_CONNECTED_S8_SCRATCH]);
    default:
        return 0;
    }
}

uint32_t micro_program_paths(const micro_runtime_t *rt)
{
    if (rt == NULL || !rt->ready) {
        return 0;
    }
    const uint8_t *data = rt->program + rt->header->data_offset;
    const micro_step_t *steps = micro_steps(rt);
    const micro_ref_t *refs = micro_refs(rt);
    uint32_t paths = 0;
    for (uint32_t i = 0; i < rt->header->n_steps; ++i) {
        const micro_step_t *s = &steps[i];
        void *ops[MICRO_MAX_OPERANDS];
        for (uint32_t j = 0; j < s->n_operands; ++j) {
            ops[j] = micro_resolve_in(rt, data, &refs[s->first_ref + j]);
        }
        paths |= step_path(s->kernel, data + s->params, ops);
    }
    return paths;
}
