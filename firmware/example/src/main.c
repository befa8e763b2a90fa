/*
 * Using micro's C runtime from an application: load the program, set the input, invoke,
 * read the output, report what it cost. The model comes from `micro export --sources-only`
 * (src/model/); the console and cycle counter from the board's port (micro_port.h).
 */
#include <string.h>

#include "micro/micro.h"
#include "micro_port.h"
#include "model/micro_model.h"

/* The arena: exactly the bytes the host's planner computed for this model. */
static union {
    uint64_t align;
    uint8_t bytes[MICRO_MODEL_ARENA_SIZE];
} arena;

static void say(const char *text)
{
    micro_port_write(text, (uint32_t)strlen(text));
}

static void say_u32(uint32_t value)
{
    char text[10];
    uint32_t n = sizeof text;
    do {
        text[--n] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0);
    micro_port_write(text + n, sizeof text - n);
}

int main(void)
{
    micro_runtime_t rt;

    /* 1. Load: verifies the whole program (checksum, every offset) before anything runs. */
    micro_status_t status = micro_init(&rt, micro_model_program.bytes, micro_model_program_size,
                                       arena.bytes, sizeof arena.bytes);
    if (status != MICRO_OK) {
        say("program refused: ");
        say(micro_status_str(status));
        say("\n");
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
        say("invoke failed: ");
        say(micro_status_str(status));
        say("\n");
        return (int)status;
    }

    /* 4. Get the output. */
    const int8_t *scores = (const int8_t *)micro_output(&rt, 0, &size);
    say("output:");
    for (uint32_t i = 0; i < size; ++i) {
        say(scores[i] < 0 ? " -" : " ");
        say_u32((uint32_t)(scores[i] < 0 ? -scores[i] : scores[i]));
    }

    /* 5. Report. */
    say("\narena bytes: ");
    say_u32((uint32_t)sizeof arena.bytes);
    say("\nsteps: ");
    say_u32(micro_n_steps(&rt));
    if (micro_port_has_cycles()) {
        say("\ncycles: ");
        say_u32(cycles);
    }
    say("\n");
    return 0;
}
