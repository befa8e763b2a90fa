/*
 * QUANTIZE int16 -> int8, the twin of micro_requantize_int (requantize_int.c, its oracle:
 * same bytes out); every other type pair, and a requantization outside the fast rule, runs
 * the reference.
 *
 * With the fast requantization (micro_requant_fast_ok, dsp.h: multiplier in [2^30, 2^31),
 * shift <= -1, the output clamp int8's own) an element is micro_requant_fast_out of
 * input - input_zp: one SMMLAR, an ADD and an ASR for the rounding shift, QADD of the
 * zero point and one SSAT. Two words of input (4 int16 elements) give one word of output:
 * each element leaves its word with the zero point subtracted in one instruction (SXTAH
 * for the low half, ADD with ASR #16 for the high half; int16 - zp fits int32), and BFI
 * packs the four bytes; 8 elements a turn. A turn's inputs are read before its words are
 * written: with the output at
 * or below the input (the reference's overlap rule, micro_elementwise_gap), output bytes
 * 8k..8k+7 only cover input bytes already read (16k..16k+15 are).
 */
#include "micro/kernels/requantize_int_dsp.h"

#include <stdint.h>
#include <string.h>

#include "dsp.h"

typedef struct {
    int32_t neg_zp; /* -input_zp */
    int32_t m2;     /* 2 * multiplier modulo 2^32 */
    int32_t right1; /* -shift - 1 */
    int32_t zp2;    /* 1 + 2 * output_zp */
} fast_t;

/* The low and the high int16 of a word, minus the input's zero point (GCC does not fuse
 * the low half's sign extension and subtraction into SXTAH by itself). */
#if MICRO_DSP && defined(__GNUC__)
static MICRO_ALWAYS_INLINE int32_t low_half(uint32_t w, int32_t neg_zp)
{
    int32_t r;
    __asm__("sxtah %0, %1, %2" : "=r"(r) : "r"(neg_zp), "r"(w));
    return r;
}
#else
static MICRO_ALWAYS_INLINE int32_t low_half(uint32_t w, int32_t neg_zp)
{
    return neg_zp + (int16_t)(w & 0xFFFFu);
}
#endif

static MICRO_ALWAYS_INLINE int32_t high_half(uint32_t w, int32_t neg_zp)
{
    return neg_zp + ((int32_t)w >> 16);
}

static MICRO_ALWAYS_INLINE int32_t fast_byte(const fast_t *k, int32_t v)
{
    return micro_requant_fast_out(v, k->m2, k->right1, k->zp2);
}

/* Four elements from two words as one word of bytes: BFI writes bits 8..31 over the first
 * byte's sign extension. */
static MICRO_ALWAYS_INLINE uint32_t four(const fast_t *k, uint32_t a, uint32_t b)
{
    uint32_t v = (uint32_t)fast_byte(k, low_half(a, k->neg_zp));
    v = micro_bfi8(v, fast_byte(k, high_half(a, k->neg_zp)), 1);
    v = micro_bfi8(v, fast_byte(k, low_half(b, k->neg_zp)), 2);
    return micro_bfi8(v, fast_byte(k, high_half(b, k->neg_zp)), 3);
}

static void s16_to_s8_fast(const fast_t *k, const int16_t *input, int8_t *output, int32_t n)
{
    /* Locals: stores through int8_t pointers may alias anything. */
    const fast_t c = *k;
    for (; n >= 8; n -= 8, input += 8, output += 8) {
        const uint32_t lo = four(&c, micro_read4(input), micro_read4(input + 2));
        const uint32_t hi = four(&c, micro_read4(input + 4), micro_read4(input + 6));
        memcpy(output, &lo, sizeof lo);
        memcpy(output + 4, &hi, sizeof hi);
    }
    if (n >= 4) {
        const uint32_t v = four(&c, micro_read4(input), micro_read4(input + 2));
        memcpy(output, &v, sizeof v);
        n -= 4;
        input += 4;
        output += 4;
    }
    for (int32_t i = 0; i < n; ++i) {
        output[i] = (int8_t)fast_byte(&c, c.neg_zp + input[i]);
    }
}

micro_status_t micro_requantize_int_dsp(const micro_requantize_int_params_t *p,
                                        const void *input, void *output)
{
    if (p->input_bits == 16 && p->output_bits == 8 &&
        micro_requant_fast_ok(&p->multiplier, &p->shift, 1, -128, 127)) {
        const fast_t k = {-p->input_zp, (int32_t)((uint32_t)p->multiplier << 1), ~p->shift,
                          1 + 2 * p->output_zp};
        s16_to_s8_fast(&k, input, output, p->count);
        return MICRO_OK;
    }
    return micro_requantize_int(p, input, output);
}
