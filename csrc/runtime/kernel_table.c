/* Kernel id -> kernel: one extern and one table line per kernel. */
#include <stddef.h>

#include "micro/kernel.h"

#define MICRO_ENTRY(ID, name) [ID] = &micro_kernel_##name

extern const micro_kernel_t micro_kernel_fully_connected_s8;
extern const micro_kernel_t micro_kernel_fully_connected_f32;
/* convolutions */
extern const micro_kernel_t micro_kernel_conv_s8;
extern const micro_kernel_t micro_kernel_depthwise_conv_s8;

/* pooling, reductions, softmax, logistic, tanh */

/* activations, quantize, elementwise arithmetic */

/* data movement */
extern const micro_kernel_t micro_kernel_strided_copy;
extern const micro_kernel_t micro_kernel_pad;

/* signal */


static const micro_kernel_t *const table[MICRO_K_COUNT] = {
    MICRO_ENTRY(MICRO_K_FULLY_CONNECTED_S8, fully_connected_s8),
    MICRO_ENTRY(MICRO_K_FULLY_CONNECTED_F32, fully_connected_f32),
    /* convolutions */
    MICRO_ENTRY(MICRO_K_CONV_S8, conv_s8),
    MICRO_ENTRY(MICRO_K_DEPTHWISE_CONV_S8, depthwise_conv_s8),

    /* pooling, reductions, softmax, logistic, tanh */

    /* activations, quantize, elementwise arithmetic */

    /* data movement */
    MICRO_ENTRY(MICRO_K_STRIDED_COPY, strided_copy),
    MICRO_ENTRY(MICRO_K_PAD, pad),

    /* signal */

};

const micro_kernel_t *micro_kernel_get(uint32_t id)
{
    return id < MICRO_K_COUNT ? table[id] : NULL;
}
