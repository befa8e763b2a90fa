/*
 * Stack high-water mark by painting: fill the unused part of the stack with a known word,
 * run, then scan from the bottom (the stack grows down) for the first word that no longer
 * holds it. Everything from that word up to the top of the stack was touched, so
 * top - that word is the deepest the stack reached. A word the program happened to write
 * with the paint value itself reads as untouched, so the figure can be low by a few words
 * in the worst case, never high; a scan that finds the bottom word touched means the stack
 * was used to its end (or beyond: an overflow).
 *
 * Plain functions over a word range, so the host tests the scan on a hand-made image;
 * firmware/port/startup.c applies them to the linker's .stack section.
 */
#ifndef MICRO_STACK_H
#define MICRO_STACK_H

#include <stdint.h>

/* An odd, unlikely value: not 0, not a small integer, not an address in any board's RAM
 * or flash map, not a Thumb return address (its bit 0 is 1 but it lies in no code region). */
#define MICRO_STACK_PAINT 0xC5A5E5F5u

/* Fill [bottom, end) with the paint word. */
static inline void micro_stack_paint_words(uint32_t *bottom, uint32_t *end)
{
    for (volatile uint32_t *p = bottom; p < end; ++p) {
        *p = MICRO_STACK_PAINT;
    }
}

/* Bytes between `top` and the deepest word of [bottom, top) no longer holding the paint
 * (0: nothing below `top` was touched; (top - bottom) * 4: the bottom word was). */
static inline uint32_t micro_stack_used_bytes(const uint32_t *bottom, const uint32_t *top)
{
    const volatile uint32_t *p = bottom;
    while (p < top && *p == MICRO_STACK_PAINT) {
        ++p;
    }
    return (uint32_t)((uintptr_t)top - (uintptr_t)p);
}

#endif
