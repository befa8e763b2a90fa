/*
 * micro's firmware main(): run the exported model (micro_model.h) on each of its input
 * sets and print what the host needs to compare and measure. One line per fact:
 *
 *   micro board=<id> program=<bytes> arena=<bytes> steps=<n> sets=<n>
 *   init status=<code> step=<index or -1> msg=<text>
 *   output set=<s> index=<i> size=<bytes> hex=<bytes in hex>
 *   invoke set=<s> status=<code> stack=<bytes> cycles=<n>
 *                                     (stack: the deepest the stack reached during that
 *                                      inference, bytes from its top, by painting;
 *                                      cycles only with a cycle counter;
 *                                      MICRO_STOPPED: ended early by a step,
 *                                      its outputs printed all the same)
 *   step index=<i> kernel=<id> cycles=<n>               (profile pass over set 0)
 *   done status=<code>
 *   stack used=<bytes> size=<bytes>                     (the whole run's; startup.c prints it)
 *
 * Every inference and every profiled step is bracketed with micro_port_mark() (ids in
 * micro_marks.h), where the emulator's instruction counter reads its count. No printf:
 * micro_print.h formats numbers.
 */
#include <string.h>

#include "micro/micro.h"
#include "micro_model.h"
#include "micro_print.h"
#include "micro_marks.h"

static union {
    uint64_t align;
    uint8_t bytes[MICRO_MODEL_ARENA_SIZE > 0 ? MICRO_MODEL_ARENA_SIZE : 8];
} arena;

typedef struct {
    uint32_t start;
} profile_t;

static void on_step(void *ctx, uint32_t step, uint32_t kernel, uint32_t phase)
{
    profile_t *profile = ctx;
    if (phase == 0) {
        micro_port_mark(MICRO_MARK_STEP_BEGIN);
        profile->start = micro_port_cycles();
        return;
    }
    const uint32_t cycles = micro_port_cycles() - profile->start;
    micro_port_mark(MICRO_MARK_STEP_END);
    micro_put_field("step index=", step);
    micro_put_field(" kernel=", kernel);
    if (micro_port_has_cycles()) {
        micro_put_field(" cycles=", cycles);
    }
    micro_put("\n");
}

/* A streamed input's rows come from its input set in flash (zeros without one). */
static micro_memory_rows_t streamed;

/* Set `set`'s inputs, then invoke; `reset` first restores the variables (micro_reset). */
static micro_status_t run_set(micro_runtime_t *rt, uint32_t set, int reset)
{
    micro_status_t status = reset ? micro_reset(rt) : MICRO_OK;
    for (uint32_t i = 0; status == MICRO_OK && i < MICRO_MODEL_N_INPUTS; ++i) {
        const micro_model_tensor_t *given = &micro_model_inputs[set * MICRO_MODEL_N_INPUTS + i];
        uint32_t size = 0;
        uint8_t *input = micro_input(rt, i, &size);
        if (micro_input_streamed(rt, i)) {
            if (given->data != NULL && given->size != size) {
                return MICRO_ERR_INDEX;
            }
            streamed.data = given->data;
            streamed.size = size;
            status = micro_set_row_reader(rt, micro_memory_rows, &streamed);
            continue;
        }
        if (input == NULL || (given->data != NULL && given->size != size)) {
            return MICRO_ERR_INDEX;
        }
        if (given->data != NULL) {
            memcpy(input, given->data, size);
        } else {
            memset(input, 0, size);
        }
    }
    if (status != MICRO_OK) {
        return status;
    }
    micro_port_stack_paint(); /* outside the marks: it costs the inference nothing */
    micro_port_mark(MICRO_MARK_INVOKE_BEGIN);
    const uint32_t start = micro_port_cycles();
    status = micro_invoke(rt);
    const uint32_t cycles = micro_port_cycles() - start;
    micro_port_mark(MICRO_MARK_INVOKE_END);
    const uint32_t stack = micro_port_stack_used();
    micro_put_field("invoke set=", set);
    micro_put_field(" status=", (uint32_t)status);
    micro_put_field(" stack=", stack);
    if (micro_port_has_cycles()) {
        micro_put_field(" cycles=", cycles);
    }
    micro_put("\n");
    /* A streaming model's invoke that ended early (a CIRCULAR_BUFFER waiting for frames) is
     * a result like any other; its status line says so. */
    return status == MICRO_STOPPED ? MICRO_OK : status;
}

int main(void)
{
    micro_runtime_t rt;
    micro_put("micro board=" MICRO_BOARD);
    micro_put_field(" program=", micro_model_program_size);
    micro_put_field(" arena=", (uint32_t)sizeof arena.bytes);
    micro_put_field(" steps=", MICRO_MODEL_N_STEPS);
    micro_put_field(" sets=", MICRO_MODEL_N_SETS);
    micro_put("\n");

    micro_status_t status = micro_init(&rt, micro_model_program.bytes, micro_model_program_size,
                                       arena.bytes, MICRO_MODEL_ARENA_SIZE);
    micro_put_field("init status=", (uint32_t)status);
    micro_put(" step=");
    if (rt.error_step == MICRO_NO_STEP) {
        micro_put("-1");
    } else {
        micro_put_u32(rt.error_step);
    }
    micro_put(" msg=");
    micro_put(micro_status_str(status));
    micro_put("\n");

    for (uint32_t set = 0; status == MICRO_OK && set < MICRO_MODEL_N_SETS; ++set) {
        /* Set 0 runs on the state micro_init gave (a run-once init subgraph's values). */
        status = run_set(&rt, set, set > 0 && !MICRO_MODEL_CARRY_STATE);
        for (uint32_t i = 0; status == MICRO_OK && i < micro_n_outputs(&rt); ++i) {
            uint32_t size = 0;
            const uint8_t *output = micro_output(&rt, i, &size);
            micro_put_field("output set=", set);
            micro_put_field(" index=", i);
            micro_put_field(" size=", size);
            micro_put(" hex=");
            micro_put_hex(output, size);
            micro_put("\n");
        }
    }
    if (status == MICRO_OK && MICRO_MODEL_PROFILE) {
        profile_t profile = {0};
        rt.hook = on_step;
        rt.hook_ctx = &profile;
        status = run_set(&rt, 0, 1);
        rt.hook = NULL;
    }
    micro_put_field("done status=", (uint32_t)status);
    micro_put("\n");
    return (int)status;
}
