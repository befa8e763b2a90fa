/*
 * micro: run a compiled Program (see program.h) in a caller-owned arena.
 *
 *   micro_runtime_t rt;
 *   micro_init(&rt, program, program_size, arena, sizeof arena);   verifies everything once
 *   memcpy(micro_input(&rt, 0, &n), features, n);
 *   micro_invoke(&rt);
 *   const int8_t *scores = micro_output(&rt, 0, &n);
 *
 * No allocation, no globals; the program stays in flash and is only read.
 */
#ifndef MICRO_MICRO_H
#define MICRO_MICRO_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/program.h"
#include "micro/kernel.h"
#include "micro/paths.h"
#include "micro/kernels/stream_rows.h"
#include "micro/kernels/branch.h"

#define MICRO_NO_STEP 0xFFFFFFFF /* micro_runtime_t.error_step: no step failed */
/* Backward branches (loop iterations) one invocation may take before it fails with
 * MICRO_ERR_LOOP; micro_set_loop_limit changes it (0: no limit, as TFLM). */
#define MICRO_LOOP_LIMIT 1000000u

/* Called before (phase 0) and after (phase 1) each step when set; NULL costs nothing. */
typedef void (*micro_step_hook_fn)(void *ctx, uint32_t step, uint32_t kernel, uint32_t phase);

typedef struct {
    const uint8_t *program;     /* verified program, 8-byte aligned */
    const micro_program_header_t *header;
    uint8_t *arena;             /* 8-byte aligned, at least header->arena_size bytes */
    uint32_t arena_size;
    uint32_t ready;             /* 1 after a successful micro_init */
    uint32_t error_step;        /* step that failed verification or invoke, or ended it early
                                   (MICRO_STOPPED), or MICRO_NO_STEP */
    micro_step_hook_fn hook;
    void *hook_ctx;
    micro_row_source_t rows;    /* reader of streamed inputs (micro_set_row_reader) */
    uint32_t loop_limit;        /* backward branches per invocation, 0: unbounded */
    void **slots;               /* every step's operand pointers, resolved once
                                   (micro_set_operand_slots), or NULL: resolved per step */
} micro_runtime_t;

/* Verify the program against this runtime and the arena, then set variables to their
 * initial values. */
micro_status_t micro_init(micro_runtime_t *rt, const uint8_t *program, uint32_t program_size,
                          uint8_t *arena, uint32_t arena_size);
/* Run every step in order. MICRO_STOPPED (not an error) when a step ended the invocation
 * early, as TFLM's kTfLiteAbort: a streaming model's CIRCULAR_BUFFER has stored its frame
 * and waits for the next; the outputs hold no new result, the state moved on. */
micro_status_t micro_invoke(micro_runtime_t *rt);
/* Run steps [first, last) only (profiling and debugging). */
micro_status_t micro_invoke_range(micro_runtime_t *rt, uint32_t first, uint32_t last);
/* Restore variables (recurrent state, resource variables) to their values after reset:
 * TFLM's MicroInterpreter::Reset (a resource variable is refilled with its default, its
 * run-once init subgraph does not run again). */
micro_status_t micro_reset(micro_runtime_t *rt);

/* Install the reader a program with a streamed input pulls its rows from (after micro_init,
 * which clears it), e.g. micro_memory_rows over a frame buffer, or a camera driver's. */
micro_status_t micro_set_row_reader(micro_runtime_t *rt, micro_row_reader_fn read, void *ctx);
/* The most backward branches (WHILE iterations, all loops together) one invocation may take
 * (after micro_init, which sets MICRO_LOOP_LIMIT); 0 lets a loop run for ever, as in TFLM. */
micro_status_t micro_set_loop_limit(micro_runtime_t *rt, uint32_t limit);
/* Optional (after micro_init, which clears it): resolve every step's operand references to
 * pointers once, into `slots`, which the caller owns and keeps for the runtime's life (at
 * least micro_n_refs(rt) pointers; slot i is reference i); invoke then reads them instead
 * of resolving each step's operands, which is most of a step's cost in a tiny model.
 * MICRO_ERR_INDEX if n_slots is too small. */
micro_status_t micro_set_operand_slots(micro_runtime_t *rt, void **slots, uint32_t n_slots);
/* 1 if input i is streamed (micro_input gives NULL for it), else 0. */
uint32_t micro_input_streamed(const micro_runtime_t *rt, uint32_t i);

uint32_t micro_n_steps(const micro_runtime_t *rt);
uint32_t micro_n_refs(const micro_runtime_t *rt);
uint32_t micro_n_inputs(const micro_runtime_t *rt);
uint32_t micro_n_outputs(const micro_runtime_t *rt);
/* Pointer to input/output i in the arena and its size in bytes; NULL if out of range or
 * (for an input) streamed. */
uint8_t *micro_input(micro_runtime_t *rt, uint32_t i, uint32_t *size);
const uint8_t *micro_output(const micro_runtime_t *rt, uint32_t i, uint32_t *size);

/* Arena bytes a program needs (reads the header only; 0 if it is not a program). */
uint32_t micro_program_arena_size(const uint8_t *program, uint32_t program_size);
uint32_t micro_crc32(const uint8_t *data, uint32_t size);
/* The kernel's overlap rule (kernel.h) for operands `in` and `out` given its params and
 * operand sizes (n_operands of them): the smallest in_base - out_base, or MICRO_NO_OVERLAP. */
uint32_t micro_overlap_gap(uint32_t kernel, const void *params, const uint32_t *sizes,
                           uint32_t in, uint32_t out);
const char *micro_status_str(micro_status_t status);
/* The DSP kernel paths (micro/paths.h) the program's steps take with this runtime's operands
 * (an OR of their kernels' path bits; 0 before a successful micro_init): what a firmware
 * of this program built with -DMICRO_PATHS=<it> keeps (csrc/runtime/paths.c). */
uint32_t micro_program_paths(const micro_runtime_t *rt);

#endif
