/*
 * Build configuration: the one place that decides which kernel variants a build runs.
 * Kernels include it; it is not part of the public API (micro.h does not include it).
 *
 * MICRO_DSP = 1 where the Armv7E-M DSP extension is available (Cortex-M4, M7, M33 with
 * DSP, ...: __ARM_FEATURE_DSP): CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, int8 ADD/SUB,
 * AVERAGE_POOL_2D and MAX_POOL_2D steps then run their *_dsp twins (dual 16-bit
 * multiply-accumulates, SIMD byte and halfword arithmetic), which give the same bytes as
 * the reference kernels. Elsewhere (the host, Cortex-M0+/M3) the reference kernels run;
 * the twins still compile there, in portable C, so the host tests them against their
 * oracles. Build with -DMICRO_DSP=0 to run the reference kernels on a DSP core.
 */
#ifndef MICRO_CONFIG_H
#define MICRO_CONFIG_H

#ifndef MICRO_DSP
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define MICRO_DSP 1
#else
#define MICRO_DSP 0
#endif
#endif

/*
 * Host runtime CPU dispatch: on x86-64 glibc Linux with GCC the hot reference kernels are
 * compiled twice, for AVX2 and for baseline x86-64, and the dynamic loader picks one by
 * the CPU (ifunc), so a wheel built without -march=native still uses AVX2 where it exists.
 * Same C source, so the same bytes out. Elsewhere (Cortex-M, other hosts) it is nothing.
 */
#include <stdint.h> /* defines __GLIBC__ where glibc (whose loader resolves ifuncs) is libc */

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__) && \
    !defined(MICRO_NO_CLONES)
#define MICRO_HOST_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MICRO_HOST_CLONES
#endif

/*
 * MICRO_HOST_SIMD = 1 on x86-64 hosts built by GCC or clang: steps without a DSP twin run
 * the host twins (*_host: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD/SUB int8), which use AVX2 where the CPU has
 * it (chosen at run time; no -march=native) and are their reference kernels elsewhere,
 * with the same bytes either way. Build with -DMICRO_HOST_SIMD=0 to run the reference
 * kernels.
 */
#ifndef MICRO_HOST_SIMD
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MICRO_HOST_SIMD 1
#else
#define MICRO_HOST_SIMD 0
#endif
#endif

/* Keeps a hot inner loop out of its caller, so it has every register to itself; or puts
 * it into its caller, so no call, spill or reload runs per use. */
#if defined(__GNUC__)
#define MICRO_NOINLINE __attribute__((noinline))
#define MICRO_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define MICRO_NOINLINE
#define MICRO_ALWAYS_INLINE inline
#endif

/* A function whose asm names every register but sp and pc: built without a frame pointer
 * even when the rest is built with one (-fno-omit-frame-pointer, as debug builds often
 * are), which would take Thumb's r7 and leave the asm one register short. Without that
 * flag it changes nothing. GCC on Arm only (Clang has no such attribute; the host, with
 * no asm, keeps its frame pointers for the sanitizers' stack traces). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__arm__)
#define MICRO_NO_FRAME_POINTER __attribute__((optimize("omit-frame-pointer")))
#else
#define MICRO_NO_FRAME_POINTER
#endif

#endif
