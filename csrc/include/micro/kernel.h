/*
 * The kernel contract. A kernel is a pure function of a params struct (computed once on
 * the host by micro's prepare step) and its operands (pointers into the arena or the
 * program's constant data, in the order its header lists them; NULL for an absent
 * optional operand). It never allocates and keeps no state between calls.
 *
 * Each kernel also has a check function, run once by micro_init: given the params, the
 * operands and the byte size of every operand it returns MICRO_OK only if running the
 * kernel would stay inside those operands and within defined behaviour (it may read the
 * constant operands, e.g. to range-check per-channel shifts; arena contents are not yet
 * meaningful). This is what makes a corrupt or hostile program an error
 * code instead of a stray write.
 *
 * A kernel may also state an overlap rule (csrc/kernels/overlap.h): gap(params, sizes,
 * in, out) is the smallest input_base - output_base, in bytes, at which output operand
 * `out` may share bytes with input operand `in` and still compute exactly what it computes
 * from separate buffers, or MICRO_NO_OVERLAP (also for a pair it does not allow). NULL:
 * the kernel's operands never overlap.
 */
#ifndef MICRO_KERNEL_H
#define MICRO_KERNEL_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef micro_status_t (*micro_run_fn)(const void *params, void *const *operands);
typedef micro_status_t (*micro_check_fn)(const void *params, void *const *operands,
                                         const uint32_t *sizes);

#define MICRO_NO_OVERLAP 0xFFFFFFFF

typedef uint32_t (*micro_gap_fn)(const void *params, const uint32_t *sizes, uint32_t in,
                                 uint32_t out);

typedef struct {
    micro_run_fn run;
    micro_check_fn check;
    uint32_t params_size;   /* sizeof the kernel's params struct */
    uint32_t n_operands;    /* exact operand count */
    micro_gap_fn gap;       /* overlap rule, or NULL: operands never overlap */
} micro_kernel_t;

/* Kernel ids are part of the program format: never renumber, only append. */
typedef enum {
    MICRO_K_FULLY_CONNECTED_S8 = 1,
    MICRO_K_FULLY_CONNECTED_F32 = 2,

    /* convolutions: 10-14 */
    MICRO_K_CONV_S8 = 10,
    MICRO_K_DEPTHWISE_CONV_S8 = 11,

    /* pooling, reductions, softmax, logistic, tanh: 15-24 */
    MICRO_K_AVERAGE_POOL_S8 = 15,
    MICRO_K_MAX_POOL_S8 = 16,
    MICRO_K_MEAN_S8 = 17,
    MICRO_K_SOFTMAX_S8 = 18,
    MICRO_K_LUT_S8 = 19,
    MICRO_K_REDUCE_MINMAX_S8 = 20,

    /* activations, quantize, elementwise arithmetic: 25-39 */
    MICRO_K_ADD_S8 = 26,
    MICRO_K_MUL_S8 = 27,
    MICRO_K_QUANTIZE_F32 = 28,
    MICRO_K_DEQUANTIZE_F32 = 29,
    MICRO_K_REQUANTIZE_INT = 30,
    MICRO_K_BINARY_F32 = 31,
    MICRO_K_ADD_S16 = 32,
    MICRO_K_LEAKY_RELU_S16 = 33,
    MICRO_K_PRELU_S8 = 34,

    /* data movement: concatenation, pad, slice, transpose, copy: 40-54 */
    MICRO_K_STRIDED_COPY = 40,
    MICRO_K_PAD = 41,

    /* recurrent (SVDF, LSTM) and more shape ops: 96-111 */
    MICRO_K_SVDF_S8 = 96,
    MICRO_K_LSTM_S8 = 97,

    /* signal (speech front end) and its builtins: 64-95 */
    MICRO_K_SIGNAL_WINDOW_S16 = 64,
    MICRO_K_SIGNAL_FFT_AUTO_SCALE_S16 = 65,
    MICRO_K_SIGNAL_RFFT_S16 = 66,
    MICRO_K_SIGNAL_ENERGY_S16 = 67,
    MICRO_K_SIGNAL_FILTER_BANK_U32 = 68,
    MICRO_K_SIGNAL_FILTER_BANK_SQRT_U64 = 69,
    MICRO_K_SIGNAL_SPECTRAL_SUBTRACTION_U32 = 70,
    MICRO_K_SIGNAL_PCAN_U32 = 71,
    MICRO_K_SIGNAL_FILTER_BANK_LOG_U32 = 72,
    MICRO_K_CAST = 73,
    MICRO_K_BINARY_S32 = 74,

    MICRO_K_COUNT = 128
} micro_kernel_id_t;

/* The kernel table (csrc/runtime/kernel_table.c): NULL where a kernel is not linked. */
const micro_kernel_t *micro_kernel_get(uint32_t id);

#endif
