/*
 * Using micro's C runtime from an application: load the program, set the input, invoke,
 * read the output, report what it cost. The model comes from `micro export --sources-only`
 * (src/model/); the console and cycle counter from the board's port (micro_port.h, and
 * micro_print.h to write text and numbers without printf).
 */
#include <string.h>

#include "micro/micro.h"
#include "micro_port.h"
#include "micro_print.h"
#include "model/micro_model.h"

/* The arena: exactly the bytes the host's planner computed for this model. */
static union {
    uint64_t align;
    uint8_t bytes[MICRO_MODEL_ARENA_SIZE];
} arena;

int main(void)
{
    micro_runtime_t rt;

    /* 1. Load: verifies the whole program (checksum, every offset) before anything runs. */
    micro_status_t status = micro_init(&rt, micro_model_program.bytes, micro_model_program_size,
                                       arena.bytes, sizeof arena.bytes);
    if (status != MICRO_OK) {
        micro_put("program refused: ");
        micro_put(micro_status_str(status));
        micro_put("\n");
        return (int)status;
    }

    /* 2. Set the input: here a constant; a real application copies its sensor data in. */
    uint32_t size = 0;
    uint8_t *input = micro_input(&rt, 0, &size);
    memset(input, 0, size);

    /* 3. Invoke. */
    const uint32_t start = micro_port_cycles();
    status = micro_invoke(&rt);
    const uint32_t cycles = micro_port_cycles() - start;
    if (status != MICRO_OK) {
        micro_put("invoke failed: ");
        micro_put(micro_status_str(status));
        micro_put("\n");
        return (int)status;
    }

    /* 4. Get the output. */
    const int8_t *scores = (const int8_t *)micro_output(&rt, 0, &size);
    micro_put("output:");
    for (uint32_t i = 0; i < size; ++i) {
        micro_put(" ");
        micro_put_i32(scores[i]);
    }

    /* 5. Report. */
    micro_put("\narena bytes: ");
    micro_put_u32((uint32_t)sizeof arena.bytes);
    micro_put("\nsteps: ");
    micro_put_u32(micro_n_steps(&rt));
    if (micro_port_has_cycles()) {
        micro_put("\ncycles: ");
        micro_put_u32(cycles);
    }
    micro_put("\n");
    return 0;
}
