/*
 * Working memory for the host twins' large buffers (packed weights, gathered patches, padded
 * images, per-channel tables), internal. These buffers were locals once: over 100 KiB of
 * stack frame, which overflows a thread with a small stack (musl's 128 KiB default, many
 * embedded Linux systems). Instead each thread has one buffer of its own, allocated by the
 * C library the first time that thread asks for it and kept until it exits: no allocation
 * per call, no lock, and threads never share it. The twins never call each other while they
 * hold it (each is a leaf under its kernel's dispatch), so one buffer serves them all.
 *
 * Only where MICRO_HOST_SIMD is set (x86-64 with GCC or clang): the firmware and other hosts
 * run the reference kernels, which need none of this.
 */
#ifndef MICRO_KERNELS_HOST_SCRATCH_H
#define MICRO_KERNELS_HOST_SCRATCH_H

#include "micro/config.h"

#if MICRO_HOST_SIMD

/* The largest user's buffers (conv_s8_host_vnni.c: 40 KiB of patches or padded image,
 * 68 KiB of packed weights, 4 KiB of spread filter). */
#define MICRO_HOST_SCRATCH_BYTES (112 * 1024)

/* This thread's buffer: MICRO_HOST_SCRATCH_BYTES, 64-byte aligned. */
void *micro_host_scratch(void);

/* A compile-time check that `type` fits the buffer (C99 has no static assertion). */
#define MICRO_HOST_SCRATCH_FITS(type) \
    typedef char micro_host_scratch_fits_##type[sizeof(type) <= MICRO_HOST_SCRATCH_BYTES ? 1 : -1]

#endif

#endif
