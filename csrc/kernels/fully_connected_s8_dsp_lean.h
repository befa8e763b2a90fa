/*
 * The FULLY_CONNECTED DSP twin's lean lane (fc_lean, fully_connected_s8_dsp_path.h): one
 * batch row, symmetric weights, the fast per-tensor requantization, K a multiple of 4, no
 * scratch; and the K = 1 lane's test (fc_lean_single_ok: fc_general runs rows_single
 * without fc_plan's tests where it holds). Each
 * entry takes the step's operand array and reads what it needs, so the
 * dispatch (micro_fully_connected_s8_dsp_step) tail-calls it with nothing staged.
 * Internal: included by fully_connected_s8_dsp.c after its loops (blocks16, blocks_row,
 * dot_1x1) and rest_rows, pair16_out (fully_connected_s8_dsp_rest.h).
 */
#ifndef MICRO_KERNELS_FULLY_CONNECTED_S8_DSP_LEAN_H
#define MICRO_KERNELS_FULLY_CONNECTED_S8_DSP_LEAN_H

#include <stdint.h>

#include "dsp.h"
#include "micro/kernels/fully_connected_s8.h"
#include "micro/paths.h"

/* The step's operands as the lean lane's entries read them (inlined into each, so an entry
 * loads only what it uses): the int8 row, filter, biases and output, K, N and the fast
 * requantization's m2 and right1 (dsp.h). */
typedef struct {
    const int8_t *input;
    const int8_t *filter;
    const int32_t *bias;
    int8_t *output;
    int32_t depth, units, m2, right1;
} fc_lean_ops_t;

static MICRO_ALWAYS_INLINE fc_lean_ops_t fc_lean_ops(const micro_fully_connected_s8_params_t *p,
                                                     void *const *op)
{
    fc_lean_ops_t o;
    o.input = op[MICRO_FULLY_CONNECTED_S8_INPUT];
    o.filter = op[MICRO_FULLY_CONNECTED_S8_FILTER];
    o.bias = op[MICRO_FULLY_CONNECTED_S8_BIAS];
    o.output = op[MICRO_FULLY_CONNECTED_S8_OUTPUT];
    o.depth = p->input_depth;
    o.units = p->output_depth;
    o.m2 = (int32_t)(*(const uint32_t *)op[MICRO_FULLY_CONNECTED_S8_MULTIPLIER] << 1);
    o.right1 = ~*(const int32_t *)op[MICRO_FULLY_CONNECTED_S8_SHIFT];
    return o;
}

#if defined(FC_HAS_BLOCKS16_ASM) && defined(FC_HAS_PAIR16_OUT_ASM)
/* fc_lean_run on int16 groups (layouts 2, 3) with blocks, where the core has the asm loops: one
 * constant block k for both (blocks16_asm's; pair16_out reads its m2, pn, zp at k + 2; at K = 8
 * short16_8_asm's is made from it), the rows after the blocks first (a third int8 row, layout 3's
 * pair in one asm block with its outputs, or int8 rows by rest_rows), then the blocks, nothing
 * living across them. */
#define FC_LEAN16 1
MICRO_NOINLINE MICRO_NO_FRAME_POINTER static micro_status_t fc_lean_run16(
    const micro_fully_connected_s8_params_t *p, void *const *op)
{
    const fc_lean_ops_t o = fc_lean_ops(p, op);
    const int8_t *input = o.input, *filter = o.filter;
    const int32_t *bias = o.bias;
    int8_t *output = o.output;
    const int32_t depth = o.depth, units = o.units;
    const int32_t blocks = units >> 2, rest = units & 3;
    const int32_t m2 = o.m2, right1 = o.right1;
    int8_t *tail_out = output + 4 * blocks;
    const uint32_t k[8] = {(uint32_t)(uintptr_t)input,    (uint32_t)(depth >> 2),
                           (uint32_t)m2,                  fc_pn(right1),
                           (uint32_t)p->output_zp,        (uint32_t)(uintptr_t)output,
                           (uint32_t)(uintptr_t)tail_out, 0};
    if (MICRO_PATH_ON(MICRO_PATH_FC_REST) && rest > 0) {
        const int8_t *tail = filter + (int64_t)blocks * depth * 8; /* blocks of 8 * K bytes */
        const int32_t *tail_bias = bias + 4 * blocks;
        if (p->filter_layout == 3 && rest >= 2) {
            if (rest == 3) { /* the last row int8, after the pair's 2 rows of K int16 */
                const int32_t acc = dot_1x1(input, tail + 4 * depth, depth, tail_bias[2]);
                tail_out[2] =
                    (int8_t)micro_requant_fast_out(acc, m2, right1, 1 + 2 * p->output_zp);
            }
            pair16_out(input, (const uint32_t *)(const void *)tail, depth >> 2, tail_bias,
                       k + 2, tail_out);
        } else {
            rest_rows(0, input, tail, tail_bias, rest, depth, 0, m2, right1,
                      1 + 2 * p->output_zp, tail_out);
        }
    }
    if (MICRO_PATH_ON(MICRO_PATH_FC_K8) && depth == 8) { /* the k8 loop, its own block k */
        const uint32_t x0 = micro_read4(input), x1 = micro_read4(input + 4);
        const uint32_t k8[8] = {k[2], k[3], k[4], k[6], micro_sxtb16(x0), micro_sxtb16_hi(x0),
                                micro_sxtb16(x1), micro_sxtb16_hi(x1)};
        short16_8_asm(k8, (const uint32_t *)(const void *)filter, bias, output);
    } else if (MICRO_PATH_ON(MICRO_PATH_FC_ROW)) {
        blocks16_asm(0, k, (const uint32_t *)(const void *)filter, bias);
    }
    return MICRO_OK;
}
#else
#define FC_LEAN16 0
#endif

/* The lean lane (fc_lean holding: one batch row): the N mod 4 rows after the blocks first
 * (rest_rows inline), then the blocks of 4 rows on the int8 row (layouts 2, 3: blocks16's
 * asm inline, last, so nothing lives across it; layout 1: blocks_row), the
 * requantization's constants made once. Every loop behind its path bit (the dispatch comes
 * here only where the build keeps them all). The same signature as the dispatch, which
 * tail-calls it. */
MICRO_NOINLINE MICRO_NO_FRAME_POINTER static micro_status_t fc_lean_run(
    const micro_fully_connected_s8_params_t *p, void *const *op)
{
    const fc_lean_ops_t o = fc_lean_ops(p, op);
    const int8_t *input = o.input, *filter = o.filter;
    const int32_t *bias = o.bias;
    int8_t *output = o.output;
    const int32_t depth = o.depth, units = o.units;
    const int32_t blocks = units >> 2, rest = units & 3;
    const int wide = p->filter_layout >= 2;
    const int32_t m2 = o.m2, right1 = o.right1;
    const int32_t zp2 = 1 + 2 * p->output_zp;
    if (MICRO_PATH_ON(MICRO_PATH_FC_REST) && rest > 0) {
        /* K is a multiple of 4: a block holds 4 * K bytes, or 8 * K on int16 groups */
        const int8_t *tail = filter + (int64_t)blocks * depth * (wide ? 8 : 4);
        /* layout 3's pair here only without fc_lean_run16 (the flash of a second copy) */
        rest_rows(!FC_LEAN16 && p->filter_layout == 3 && rest >= 2, input, tail,
                  bias + 4 * blocks, rest, depth, 0, m2, right1, zp2, output + 4 * blocks);
    }
    if (MICRO_PATH_ON(MICRO_PATH_FC_K8) && depth == 8 && blocks > 0) {
        const uint32_t *w = (const uint32_t *)(const void *)filter;
        if (MICRO_PATH_ON(MICRO_PATH_FC_INT16) && wide) {
            blocks_short16_8(input, w, bias, blocks, 0, m2, right1, zp2, output);
        } else if (MICRO_PATH_ON(MICRO_PATH_FC_INT8) && !wide) {
            blocks_short_8(input, w, bias, blocks, 0, m2, right1, zp2, output);
        }
    } else if (MICRO_PATH_ON(MICRO_PATH_FC_ROW) && blocks > 0) {
        const uint32_t *w = (const uint32_t *)(const void *)filter;
        if (!FC_LEAN16 && MICRO_PATH_ON(MICRO_PATH_FC_INT16) && wide) { /* else run16's */
            blocks16(0, input, w, depth >> 2, bias, blocks, 0, m2, right1, zp2, output);
        } else if (MICRO_PATH_ON(MICRO_PATH_FC_INT8) && !wide) {
            blocks_row(input, w, depth >> 2, bias, blocks, 0, m2, right1, zp2, output);
        }
    }
    return MICRO_OK;
}


/* The lean lane's heads on layout 3's pair, one batch row (2 or 3 outputs: vww's
 * 256 -> 2): a third row's int8 dot first, then the pair in one asm block with its outputs
 * (pair16_out), so nothing need live across that block and nothing is spilled. The same
 * signature as the dispatch, which tail-calls it. */
MICRO_NOINLINE MICRO_NO_FRAME_POINTER static micro_status_t fc_lean_head16(
    const micro_fully_connected_s8_params_t *p, void *const *op)
{
    const fc_lean_ops_t o = fc_lean_ops(p, op);
    const int8_t *input = o.input, *filter = o.filter;
    const int32_t *bias = o.bias;
    int8_t *output = o.output;
    const int32_t depth = o.depth;
    const int32_t m2 = o.m2, right1 = o.right1;
#ifdef FC_HAS_PAIR16_OUT_ASM
    if (p->output_depth == 3) { /* the last row int8, after the pair's 2 rows of K int16 */
        const int32_t acc = dot_1x1(input, filter + 4 * depth, depth, bias[2]);
        output[2] = (int8_t)micro_requant_fast_out(acc, m2, right1, 1 + 2 * p->output_zp);
    }
    const uint32_t k[3] = {(uint32_t)m2, fc_pn(right1), (uint32_t)p->output_zp};
    pair16_out(input, (const uint32_t *)(const void *)filter, depth >> 2, bias, k, output);
#else
    rest_rows(1, input, filter, bias, p->output_depth, depth, 0, m2, right1,
              1 + 2 * p->output_zp, output);
#endif
    return MICRO_OK;
}

/* K = 1 (hello_world's first layer) without fc_plan: one batch row, symmetric weights,
 * filter layout 1 or 2 (row-major at K = 1) word-aligned as the scratch, the fast per-tensor
 * requantization with no clamp beyond int8's. Every such call is one fc_plan sends to
 * rows_single (c.single, no other loop; layout 3 excluded, which fc_plan refers to the
 * reference), so micro_fully_connected_s8_dsp_path's answer, MICRO_PATH_FC_SINGLE, holds
 * for it; fc_general tests it first and skips the plan's tests (about 70 instructions a
 * call). */
static MICRO_ALWAYS_INLINE int fc_lean_single_ok(const micro_fully_connected_s8_params_t *p,
                                                 const int8_t *filter,
                                                 const int32_t *multiplier,
                                                 const int32_t *shift, const int16_t *scratch)
{
    return p->input_depth == 1 && (uint32_t)(p->filter_layout - 1) < 2u && p->batches == 1 &&
           (p->filter_zp | (p->per_channel & 1)) == 0 &&
           (((uintptr_t)filter | (uintptr_t)scratch) & 3u) == 0 &&
           ((p->act_min + 128) | (p->act_max - 127)) == 0 &&
           (micro_requant_fast_bit(multiplier[0], shift[0]) >> 31) != 0u;
}

#endif
