/* SignalOverlapAdd's frame walk and its check (internal), shared by the int16 and float32
 * kernels; ADD(buffer, frame, n) adds one frame into the buffer in the kernel's type. */
#ifndef MICRO_KERNELS_SIGNAL_OVERLAP_ADD_H
#define MICRO_KERNELS_SIGNAL_OVERLAP_ADD_H

#include <stddef.h>
#include <string.h>

#include "check.h"

#define MICRO_OVERLAP_ADD_BODY(p, input, state, output, ADD)                                 \
    do {                                                                                      \
        const int64_t size_ = (p)->frame_size, step_ = (p)->frame_step;                       \
        for (int64_t r_ = 0; r_ < (p)->rows; ++r_) {                                          \
            for (int64_t f_ = 0; f_ < (p)->n_frames; ++f_) {                                  \
                const int64_t frame_ = r_ * (p)->n_frames + f_;                               \
                ADD((state) + r_ * size_, (input) + frame_ * size_, size_);                   \
                memcpy((output) + frame_ * step_, (state) + r_ * size_,                       \
                       (size_t)step_ * sizeof(*(state)));                                     \
                memmove((state) + r_ * size_, (state) + r_ * size_ + step_,                   \
                        (size_t)(size_ - step_) * sizeof(*(state)));                          \
                memset((state) + r_ * size_ + size_ - step_, 0,                               \
                       (size_t)step_ * sizeof(*(state)));                                     \
            }                                                                                 \
        }                                                                                     \
    } while (0)

/* MICRO_OK if the params and operand sizes (elements of `width` bytes) fit. */
static inline micro_status_t micro_overlap_add_check(int32_t rows, int32_t n_frames,
                                                     int32_t frame_size, int32_t frame_step,
                                                     const uint32_t *size, int64_t width)
{
    const int32_t dims[3] = {rows, n_frames, frame_size};
    const int64_t frames = micro_count(dims, 2);
    if (micro_count(dims, 3) < 0 || !micro_in_range(frame_step, 1, frame_size)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], frames * frame_size, width) ||
        !micro_fits(size[1], (int64_t)rows * frame_size, width) ||
        !micro_fits(size[2], frames * frame_step, width)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

#endif
