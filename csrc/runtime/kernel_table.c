/* Kernel id -> kernel: one extern and one table line per kernel. */
#include <stddef.h>

#include "micro/kernel.h"

#define MICRO_ENTRY(ID, name) [ID] = &micro_kernel_##name

extern const micro_kernel_t micro_kernel_fully_connected_s8;
extern const micro_kernel_t micro_kernel_fully_connected_f32;
/* convolutions */
extern const micro_kernel_t micro_kernel_conv_s8;
extern const micro_kernel_t micro_kernel_depthwise_conv_s8;
extern const micro_kernel_t micro_kernel_batch_matmul;
extern const micro_kernel_t micro_kernel_transpose_conv;

/* pooling, reductions, softmax, logistic, tanh */
extern const micro_kernel_t micro_kernel_average_pool_s8;
extern const micro_kernel_t micro_kernel_max_pool_s8;
extern const micro_kernel_t micro_kernel_mean_s8;
extern const micro_kernel_t micro_kernel_softmax_s8;
extern const micro_kernel_t micro_kernel_lut_s8;
extern const micro_kernel_t micro_kernel_reduce_minmax_s8;

/* activations, quantize, elementwise arithmetic */
extern const micro_kernel_t micro_kernel_add_s8;
extern const micro_kernel_t micro_kernel_mul_s8;
extern const micro_kernel_t micro_kernel_quantize_f32;
extern const micro_kernel_t micro_kernel_dequantize_f32;
extern const micro_kernel_t micro_kernel_requantize_int;
extern const micro_kernel_t micro_kernel_binary_f32;
extern const micro_kernel_t micro_kernel_add_s16;
extern const micro_kernel_t micro_kernel_leaky_relu_s16;
extern const micro_kernel_t micro_kernel_prelu_s8;
extern const micro_kernel_t micro_kernel_unary_f32;

/* data movement */
extern const micro_kernel_t micro_kernel_strided_copy;
extern const micro_kernel_t micro_kernel_pad;
extern const micro_kernel_t micro_kernel_index_copy;
extern const micro_kernel_t micro_kernel_resize_bilinear_s8;
extern const micro_kernel_t micro_kernel_gather;

/* recurrent and more shape ops */
extern const micro_kernel_t micro_kernel_svdf_s8;
extern const micro_kernel_t micro_kernel_lstm_s8;

/* signal */
extern const micro_kernel_t micro_kernel_signal_window_s16;
extern const micro_kernel_t micro_kernel_signal_fft_auto_scale_s16;
extern const micro_kernel_t micro_kernel_signal_rfft_s16;
extern const micro_kernel_t micro_kernel_signal_energy_s16;
extern const micro_kernel_t micro_kernel_signal_filter_bank_u32;
extern const micro_kernel_t micro_kernel_signal_filter_bank_sqrt_u64;
extern const micro_kernel_t micro_kernel_signal_spectral_subtraction_u32;
extern const micro_kernel_t micro_kernel_signal_pcan_u32;
extern const micro_kernel_t micro_kernel_signal_filter_bank_log_u32;
extern const micro_kernel_t micro_kernel_cast;
extern const micro_kernel_t micro_kernel_binary_s32;


static const micro_kernel_t *const table[MICRO_K_COUNT] = {
    MICRO_ENTRY(MICRO_K_FULLY_CONNECTED_S8, fully_connected_s8),
    MICRO_ENTRY(MICRO_K_FULLY_CONNECTED_F32, fully_connected_f32),
    /* convolutions */
    MICRO_ENTRY(MICRO_K_CONV_S8, conv_s8),
    MICRO_ENTRY(MICRO_K_DEPTHWISE_CONV_S8, depthwise_conv_s8),
    MICRO_ENTRY(MICRO_K_BATCH_MATMUL, batch_matmul),
    MICRO_ENTRY(MICRO_K_TRANSPOSE_CONV, transpose_conv),

    /* pooling, reductions, softmax, logistic, tanh */
    MICRO_ENTRY(MICRO_K_AVERAGE_POOL_S8, average_pool_s8),
    MICRO_ENTRY(MICRO_K_MAX_POOL_S8, max_pool_s8),
    MICRO_ENTRY(MICRO_K_MEAN_S8, mean_s8),
    MICRO_ENTRY(MICRO_K_SOFTMAX_S8, softmax_s8),
    MICRO_ENTRY(MICRO_K_LUT_S8, lut_s8),
    MICRO_ENTRY(MICRO_K_REDUCE_MINMAX_S8, reduce_minmax_s8),

    /* activations, quantize, elementwise arithmetic */
    MICRO_ENTRY(MICRO_K_ADD_S8, add_s8),
    MICRO_ENTRY(MICRO_K_MUL_S8, mul_s8),
    MICRO_ENTRY(MICRO_K_QUANTIZE_F32, quantize_f32),
    MICRO_ENTRY(MICRO_K_DEQUANTIZE_F32, dequantize_f32),
    MICRO_ENTRY(MICRO_K_REQUANTIZE_INT, requantize_int),
    MICRO_ENTRY(MICRO_K_BINARY_F32, binary_f32),
    MICRO_ENTRY(MICRO_K_ADD_S16, add_s16),
    MICRO_ENTRY(MICRO_K_LEAKY_RELU_S16, leaky_relu_s16),
    MICRO_ENTRY(MICRO_K_PRELU_S8, prelu_s8),
    MICRO_ENTRY(MICRO_K_UNARY_F32, unary_f32),

    /* data movement */
    MICRO_ENTRY(MICRO_K_STRIDED_COPY, strided_copy),
    MICRO_ENTRY(MICRO_K_PAD, pad),
    MICRO_ENTRY(MICRO_K_INDEX_COPY, index_copy),
    MICRO_ENTRY(MICRO_K_RESIZE_BILINEAR_S8, resize_bilinear_s8),
    MICRO_ENTRY(MICRO_K_GATHER, gather),

    /* recurrent and more shape ops */
    MICRO_ENTRY(MICRO_K_SVDF_S8, svdf_s8),
    MICRO_ENTRY(MICRO_K_LSTM_S8, lstm_s8),

    /* signal */
    MICRO_ENTRY(MICRO_K_SIGNAL_WINDOW_S16, signal_window_s16),
    MICRO_ENTRY(MICRO_K_SIGNAL_FFT_AUTO_SCALE_S16, signal_fft_auto_scale_s16),
    MICRO_ENTRY(MICRO_K_SIGNAL_RFFT_S16, signal_rfft_s16),
    MICRO_ENTRY(MICRO_K_SIGNAL_ENERGY_S16, signal_energy_s16),
    MICRO_ENTRY(MICRO_K_SIGNAL_FILTER_BANK_U32, signal_filter_bank_u32),
    MICRO_ENTRY(MICRO_K_SIGNAL_FILTER_BANK_SQRT_U64, signal_filter_bank_sqrt_u64),
    MICRO_ENTRY(MICRO_K_SIGNAL_SPECTRAL_SUBTRACTION_U32, signal_spectral_subtraction_u32),
    MICRO_ENTRY(MICRO_K_SIGNAL_PCAN_U32, signal_pcan_u32),
    MICRO_ENTRY(MICRO_K_SIGNAL_FILTER_BANK_LOG_U32, signal_filter_bank_log_u32),
    MICRO_ENTRY(MICRO_K_CAST, cast),
    MICRO_ENTRY(MICRO_K_BINARY_S32, binary_s32),

};

const micro_kernel_t *micro_kernel_get(uint32_t id)
{
    return id < MICRO_K_COUNT ? table[id] : NULL;
}
