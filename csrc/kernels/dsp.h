/*
 * Dual 16-bit arithmetic of the Armv7E-M DSP extension (internal to the *_dsp kernels).
 *
 * A uint32_t holds two int16 lanes, lane 0 in bits 0-15. With MICRO_DSP each helper is
 * one instruction through the compiler's <arm_acle.h>; otherwise it is portable C with
 * the instruction's exact result, so the *_dsp kernels also build, and are tested against
 * their reference twins, on the host. Accumulations wrap modulo 2^32 like the
 * instructions (which only set the sticky Q flag) and like the reference's int32 sums.
 */
#ifndef MICRO_KERNELS_DSP_H
#define MICRO_KERNELS_DSP_H

#include <stdint.h>
#include <string.h>

#include "micro/config.h"

#if MICRO_DSP
#include <arm_acle.h>
#endif

/* 4 bytes from any address (one LDR on cores with unaligned access, e.g. M4/M7). */
static inline uint32_t micro_read4(const void *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* 2 bytes from any address (one LDRH), in bits 0-15. */
static inline uint32_t micro_read2(const void *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

#if MICRO_DSP

/* Bytes 0 and 2 of x, sign-extended into lanes 0 and 1 (SXTB16). */
static inline uint32_t micro_sxtb16(uint32_t x)
{
    return (uint32_t)__sxtb16((int8x4_t)x);
}

/* Bytes 1 and 3 of x, sign-extended into lanes 0 and 1 (SXTB16 with ROR #8: ACLE has
 * no rotate operand and GCC does not fold one in, hence the one-instruction asm). */
#if defined(__GNUC__)
static inline uint32_t micro_sxtb16_hi(uint32_t x)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}
#else
static inline uint32_t micro_sxtb16_hi(uint32_t x)
{
    return (uint32_t)__sxtb16((int8x4_t)(x >> 8));
}
#endif

/* acc + x.lane0 * y.lane0 + x.lane1 * y.lane1 (SMLAD). */
static inline int32_t micro_smlad(uint32_t x, uint32_t y, int32_t acc)
{
    return __smlad((int16x2_t)x, (int16x2_t)y, acc);
}

/* acc + x.lane0 * y.lane0 (SMLABB). */
static inline int32_t micro_smlabb(uint32_t x, uint32_t y, int32_t acc)
{
    return __smlabb((int32_t)x, (int32_t)y, acc);
}

/* acc + x.lane1 * y.lane1 (SMLATT). */
static inline int32_t micro_smlatt(uint32_t x, uint32_t y, int32_t acc)
{
    return __smlatt((int32_t)x, (int32_t)y, acc);
}

/* acc + x.lane1 * y.lane0 (SMLATB). */
static inline int32_t micro_smlatb(uint32_t x, uint32_t y, int32_t acc)
{
    return __smlatb((int32_t)x, (int32_t)y, acc);
}

/* a + b saturated to the int32 range (QADD). */
static inline int32_t micro_qadd(int32_t a, int32_t b)
{
    return __qadd(a, b);
}

/* x.lane - y.lane in each lane, modulo 2^16 (SSUB16). */
static inline uint32_t micro_ssub16(uint32_t x, uint32_t y)
{
    return (uint32_t)__ssub16((int16x2_t)x, (int16x2_t)y);
}

/* Lane-wise a + b modulo 2^16 (SADD16). */
static inline uint32_t micro_sadd16(uint32_t a, uint32_t b)
{
    return (uint32_t)__sadd16((int16x2_t)a, (int16x2_t)b);
}

/* Byte-wise signed max(a, b) (SSUB8 sets a GE flag per byte where a >= b, SEL picks by
 * them: one asm, so nothing comes between the two). */
#if defined(__GNUC__)
static inline uint32_t micro_max8(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("ssub8 %0, %1, %2\n\tsel %0, %1, %2" : "=&r"(r) : "r"(a), "r"(b));
    return r;
}
#else
static inline uint32_t micro_max8(uint32_t a, uint32_t b)
{
    (void)__ssub8((int8x4_t)a, (int8x4_t)b);
    return (uint32_t)__sel((uint8x4_t)a, (uint8x4_t)b);
}
#endif

#else

static inline int32_t micro_lane(uint32_t x, int lane)
{
    return (int32_t)(int16_t)(uint16_t)(x >> (16 * lane));
}

static inline uint32_t micro_sxtb16(uint32_t x)
{
    const uint32_t lo = (uint32_t)(int32_t)(int8_t)(uint8_t)x & 0xFFFFu;
    const uint32_t hi = (uint32_t)(int32_t)(int8_t)(uint8_t)(x >> 16) & 0xFFFFu;
    return lo | hi << 16;
}

static inline uint32_t micro_sxtb16_hi(uint32_t x)
{
    return micro_sxtb16(x >> 8);
}

static inline int32_t micro_smlad(uint32_t x, uint32_t y, int32_t acc)
{
    const int32_t p0 = micro_lane(x, 0) * micro_lane(y, 0);
    const int32_t p1 = micro_lane(x, 1) * micro_lane(y, 1);
    return (int32_t)((uint32_t)acc + (uint32_t)p0 + (uint32_t)p1);
}

static inline int32_t micro_smlabb(uint32_t x, uint32_t y, int32_t acc)
{
    return (int32_t)((uint32_t)acc + (uint32_t)(micro_lane(x, 0) * micro_lane(y, 0)));
}

static inline int32_t micro_smlatt(uint32_t x, uint32_t y, int32_t acc)
{
    return (int32_t)((uint32_t)acc + (uint32_t)(micro_lane(x, 1) * micro_lane(y, 1)));
}

static inline int32_t micro_smlatb(uint32_t x, uint32_t y, int32_t acc)
{
    return (int32_t)((uint32_t)acc + (uint32_t)(micro_lane(x, 1) * micro_lane(y, 0)));
}

static inline uint32_t micro_sadd16(uint32_t a, uint32_t b)
{
    return (((a & 0xFFFFu) + (b & 0xFFFFu)) & 0xFFFFu) | (((a >> 16) + (b >> 16)) << 16);
}

static inline uint32_t micro_max8(uint32_t a, uint32_t b)
{
    uint32_t r = 0;
    for (int i = 0; i < 32; i += 8) {
        const int8_t x = (int8_t)(uint8_t)(a >> i), y = (int8_t)(uint8_t)(b >> i);
        r |= (uint32_t)(uint8_t)(x >= y ? x : y) << i;
    }
    return r;
}

static inline int32_t micro_qadd(int32_t a, int32_t b)
{
    const int64_t s = (int64_t)a + b;
    return s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : (int32_t)s);
}

static inline uint32_t micro_ssub16(uint32_t x, uint32_t y)
{
    const uint32_t lo = (x - y) & 0xFFFFu;
    const uint32_t hi = ((x >> 16) - (y >> 16)) & 0xFFFFu;
    return lo | hi << 16;
}

#endif

/* acc + the rounded high word of x * y: acc + floor((x * y + 2^31) / 2^32), modulo 2^32
 * (SMMLAR; SMMLSR subtracts the product: acc + floor((2^31 - x * y) / 2^32)), and (x >> 1)
 * saturated to [-128, 127] (SSAT #8 with ASR #1). None has an ACLE intrinsic that GCC
 * turns into the one instruction; nor have PKHBT, PKHTB and BFI. Inline asm with GCC on a DSP core, the same arithmetic in C elsewhere. */
#if MICRO_DSP && defined(__GNUC__)
static inline int32_t micro_smmlar(int32_t x, int32_t y, int32_t acc)
{
    int32_t r;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(x), "r"(y), "r"(acc));
    return r;
}

static inline int32_t micro_smmlsr(int32_t x, int32_t y, int32_t acc)
{
    int32_t r;
    __asm__("smmlsr %0, %1, %2, %3" : "=r"(r) : "r"(x), "r"(y), "r"(acc));
    return r;
}

static inline int32_t micro_ssat8_half(int32_t x)
{
    int32_t r;
    __asm__("ssat %0, #8, %1, asr #1" : "=r"(r) : "r"(x));
    return r;
}

/* (x >> 16) saturated to [-128, 127] (SSAT #8 with ASR #16). */
static inline int32_t micro_ssat8_high(int32_t x)
{
    int32_t r;
    __asm__("ssat %0, #8, %1, asr #16" : "=r"(r) : "r"(x));
    return r;
}

/* x's lane 0 and y's lane 0 as lanes 0 and 1 (PKHBT with LSL #16), and x's lane 1 and
 * y's lane 1 (PKHTB with ASR #16); x with its byte `lane` (0..3) replaced by the low byte
 * of v (BFI). */
static inline uint32_t micro_pkh_lo(uint32_t x, uint32_t y)
{
    uint32_t r;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(x), "r"(y));
    return r;
}

static inline uint32_t micro_pkh_hi(uint32_t x, uint32_t y)
{
    uint32_t r;
    __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(y), "r"(x));
    return r;
}

#define micro_bfi8(x, v, lane)                                                           \
    __extension__({                                                                      \
        uint32_t micro_bfi_r = (x);                                                      \
        __asm__("bfi %0, %1, %2, #8" : "+r"(micro_bfi_r) : "r"(v), "i"(8 * (lane)));     \
        micro_bfi_r;                                                                     \
    })
#else
static inline int32_t micro_smmlar(int32_t x, int32_t y, int32_t acc)
{
    const int64_t high = ((int64_t)x * y + (INT64_C(1) << 31)) >> 32;
    return (int32_t)((uint32_t)acc + (uint32_t)high);
}

static inline int32_t micro_smmlsr(int32_t x, int32_t y, int32_t acc)
{
    const int64_t high = ((INT64_C(1) << 31) - (int64_t)x * y) >> 32;
    return (int32_t)((uint32_t)acc + (uint32_t)high);
}

static inline int32_t micro_ssat8_half(int32_t x)
{
    const int32_t h = x >> 1;
    return h < -128 ? -128 : (h > 127 ? 127 : h);
}

static inline int32_t micro_ssat8_high(int32_t x)
{
    const int32_t h = x >> 16;
    return h < -128 ? -128 : (h > 127 ? 127 : h);
}

static inline uint32_t micro_pkh_lo(uint32_t x, uint32_t y)
{
    return (x & 0xFFFFu) | y << 16;
}

static inline uint32_t micro_pkh_hi(uint32_t x, uint32_t y)
{
    return (x >> 16) | (y & 0xFFFF0000u);
}

#define micro_bfi8(x, v, lane)                                                           \
    (((x) & ~(0xFFu << (8 * (lane)))) | ((uint32_t)(v) & 0xFFu) << (8 * (lane)))
#endif


/* Thumb-2 asm text: %[n] >= 1 repeats of `body`, eight a turn, a count not a multiple of 8
 * entering the first turn further in by a TBB on n mod 8 (the table's entries are halfword
 * offsets from its start); `idx` names the register the index takes ("lr", "%[xe]"), %[n]
 * becomes the turns and ends at 0. The loop's labels are 0-8. */
#define MICRO_ASM_TURNS8(idx, body)                                                   \
    "and " idx ", %[n], #7\n\t"                                                       \
    "adds %[n], %[n], #7\n\t"                                                         \
    "lsrs %[n], %[n], #3\n\t"                                                         \
    "tbb [pc, " idx "]\n\t"                                                           \
    "0:\n\t"                                                                          \
    ".byte (1f - 0b) / 2, (8f - 0b) / 2, (7f - 0b) / 2, (6f - 0b) / 2\n\t"            \
    ".byte (5f - 0b) / 2, (4f - 0b) / 2, (3f - 0b) / 2, (2f - 0b) / 2\n\t"            \
    ".p2align 1\n\t"                                                                  \
    "1:\n\t" body "2:\n\t" body "3:\n\t" body "4:\n\t" body                             \
    "5:\n\t" body "6:\n\t" body "7:\n\t" body "8:\n\t" body                             \
    "subs %[n], %[n], #1\n\t"                                                         \
    "bne 1b\n\t"

/* x computed at this point of the program, before any memory access after it (an empty
 * asm: GCC would otherwise sink the arithmetic next to x's use, past loads that were
 * meant to come first); nothing on compilers without GNU asm. */
#if defined(__GNUC__)
#define micro_settle(x) __asm__ volatile("" : "+r"(x) : : "memory")
#else
#define micro_settle(x) ((void)0)
#endif

/* 32 x 16-bit multiply-accumulates and byte-lane saturation (ADD's linear form):
 * mask & (x << 8) (one AND with a shifted register operand: a constant mask stays in a
 * register, where GCC would otherwise shift, then AND an immediate);
 * acc + floor(a * x.lane0 / 2^16) (SMLAWB) and with x.lane1 (SMLAWT), modulo 2^32; each
 * lane of x clamped to [0, 255] (USAT16 #8); byte-wise a + b modulo 2^8 (UADD8), and
 * clamped to [0, 255] (UQADD8), byte-wise a - b clamped to [0, 255] (UQSUB8). */
#if MICRO_DSP
#if defined(__GNUC__)
static inline uint32_t micro_and_lsl8(uint32_t mask, uint32_t x)
{
    uint32_t r;
    __asm__("and %0, %1, %2, lsl #8" : "=r"(r) : "r"(mask), "r"(x));
    return r;
}
#else
static inline uint32_t micro_and_lsl8(uint32_t mask, uint32_t x)
{
    return mask & (x << 8);
}
#endif

static inline int32_t micro_smlawb(int32_t a, uint32_t x, int32_t acc)
{
    return __smlawb(a, (int32_t)x, acc);
}

static inline int32_t micro_smlawt(int32_t a, uint32_t x, int32_t acc)
{
    return __smlawt(a, (int32_t)x, acc);
}

static inline uint32_t micro_usat16_8(uint32_t x)
{
    return (uint32_t)__usat16((int16x2_t)x, 8);
}

static inline uint32_t micro_uadd8(uint32_t a, uint32_t b)
{
    return (uint32_t)__uadd8((uint8x4_t)a, (uint8x4_t)b);
}

static inline uint32_t micro_uqadd8(uint32_t a, uint32_t b)
{
    return (uint32_t)__uqadd8((uint8x4_t)a, (uint8x4_t)b);
}

static inline uint32_t micro_uqsub8(uint32_t a, uint32_t b)
{
    return (uint32_t)__uqsub8((uint8x4_t)a, (uint8x4_t)b);
}
#else
static inline uint32_t micro_and_lsl8(uint32_t mask, uint32_t x)
{
    return mask & (x << 8);
}

static inline int32_t micro_smlaw_lane(int32_t a, uint32_t x, int lane, int32_t acc)
{
    const int64_t product = (int64_t)a * (int16_t)(uint16_t)(x >> (16 * lane));
    return (int32_t)((uint32_t)acc + (uint32_t)(int32_t)(product >> 16));
}

static inline int32_t micro_smlawb(int32_t a, uint32_t x, int32_t acc)
{
    return micro_smlaw_lane(a, x, 0, acc);
}

static inline int32_t micro_smlawt(int32_t a, uint32_t x, int32_t acc)
{
    return micro_smlaw_lane(a, x, 1, acc);
}

static inline uint32_t micro_usat16_8(uint32_t x)
{
    uint32_t r = 0;
    for (int i = 0; i < 32; i += 16) {
        const int32_t v = (int16_t)(uint16_t)(x >> i);
        r |= (uint32_t)(v < 0 ? 0 : (v > 255 ? 255 : v)) << i;
    }
    return r;
}

/* Byte-wise a + sign * b, then modulo 2^8 (wrap) or clamped to [0, 255]. */
static inline uint32_t micro_bytes8(uint32_t a, uint32_t b, int sign, int wrap)
{
    uint32_t r = 0;
    for (int i = 0; i < 32; i += 8) {
        const int32_t v = (int32_t)((a >> i) & 0xFFu) + sign * (int32_t)((b >> i) & 0xFFu);
        r |= (uint32_t)(wrap ? (v & 0xFF) : (v < 0 ? 0 : (v > 255 ? 255 : v))) << i;
    }
    return r;
}

static inline uint32_t micro_uadd8(uint32_t a, uint32_t b)
{
    return micro_bytes8(a, b, 1, 1);
}

static inline uint32_t micro_uqadd8(uint32_t a, uint32_t b)
{
    return micro_bytes8(a, b, 1, 0);
}

static inline uint32_t micro_uqsub8(uint32_t a, uint32_t b)
{
    return micro_bytes8(a, b, -1, 0);
}
#endif

/*
 * clamp(micro_requantize(acc, multiplier, shift) + output_zp, lo, hi) (requant.h), bit for
 * bit, in fewer instructions, for a multiplier in [0, 2^31) (the kernels' checks ensure
 * it; then the high multiply never saturates):
 *   - y = floor((x * m + 2^30) / 2^31) is one SMMLAR: floor((x * 2m + 2^31) / 2^32), and
 *     when m >= 2^30, 2m only fits as the int32 2m - 2^32, which takes x off the high word:
 *     the accumulate operand adds it back (x & mask);
 *   - y lies in (INT32_MIN, INT32_MAX), so for a right shift e >= 1 the division rounding
 *     half away from zero is (((y - (y < 0)) >> (e - 1)) + 1) >> 1 (nested floors), and
 *     the zero point joins before the last shift as 2 * zp: the saturating add only
 *     saturates far outside [-128, 127], where the clamp gives the same byte;
 *   - with e == 0 the zero point is added with the reference's wrap-around.
 * A channel's constants come from micro_requant_channel once per call.
 */
typedef struct {
    int32_t m2;         /* 2 * multiplier modulo 2^32 */
    int32_t mask;       /* -1 if multiplier >= 2^30, else 0 */
    int32_t left;       /* left shift before the multiply, 0..30 */
    int32_t right1;     /* right shift after it minus 1: -1..30 (-1: none) */
} micro_requant_channel_t;

static inline micro_requant_channel_t micro_requant_channel(int32_t multiplier, int32_t shift)
{
    micro_requant_channel_t c;
    c.m2 = (int32_t)((uint32_t)multiplier << 1);
    c.mask = multiplier >= (INT32_C(1) << 30) ? -1 : 0;
    c.left = shift > 0 ? shift : 0;
    c.right1 = (shift > 0 ? 0 : -shift) - 1;
    return c;
}

/* zp2 = 1 + 2 * output_zp. */
static inline int32_t micro_requant_out(int32_t acc, micro_requant_channel_t c,
                                        int32_t output_zp, int32_t zp2, int32_t lo, int32_t hi)
{
    const int32_t x = (int32_t)((uint32_t)acc << c.left);
    const int32_t y = micro_smmlar(x, c.m2, x & c.mask);
    int32_t v;
    if (c.right1 < 0) {
        v = (int32_t)((uint32_t)y + (uint32_t)output_zp);
    } else {
        v = micro_qadd((y + (y >> 31)) >> c.right1, zp2) >> 1;
    }
    return v < lo ? lo : (v > hi ? hi : v);
}

/*
 * The common case in fewer instructions still: every multiplier in [2^30, 2^31) (all but
 * a zero scale), every shift <= -1 (scales below 1/2) and no activation clamp beyond
 * int8's. Then there is no left shift, the high multiply needs no mask, and the clamp is
 * one SSAT. micro_requant_fast_ok tells, once per call, whether it applies.
 *
 * Bit 31 of micro_requant_fast_bit(m, s) is set iff m >= 2^30 and s <= -1, for all int32
 * m and s: as an int32, m >= 2^30 iff m is not negative (bit 31 clear) and has bit 30
 * set (the non-negative values below 2^31 with bit 30 set are exactly [2^30, 2^31)); s <= -1
 * iff bit 31 of s is set. Bit 31 of s & (m << 1) & ~m is bit 31 of s AND bit 30 of m
 * AND NOT bit 31 of m, those three facts together. The other bits mean nothing.
 */
static inline uint32_t micro_requant_fast_bit(int32_t multiplier, int32_t shift)
{
    const uint32_t m = (uint32_t)multiplier;
    return (uint32_t)shift & (m << 1) & ~m;
}

/*
 * The same bit also set when the multiplier is 0: bit 31 of (m - 1) & ~m (modulo 2^32) is
 * set iff m = 0 (m = 0 gives all ones; a negative m clears bit 31 of ~m; 0 < m < 2^31 keeps
 * m - 1 below 2^31), so bit 31 of ~m & ((s & (m << 1)) | (m - 1)) is set iff m = 0 or
 * micro_requant_fast_bit's bit is.
 */
static inline uint32_t micro_requant_fast_bit0(int32_t multiplier, int32_t shift)
{
    const uint32_t m = (uint32_t)multiplier;
    return ~m & (((uint32_t)shift & (m << 1)) | (m - 1u));
}

/* The channels' bits ANDed together, four a turn without a branch: bit 31 of the result is
 * set iff every channel's is (n = 0: all ones). zero: micro_requant_fast_bit0's rule. */
static inline uint32_t micro_requant_fast_all(const int32_t *multiplier, const int32_t *shift,
                                              int32_t n, int zero)
{
    uint32_t a = 0xFFFFFFFFu, b = 0xFFFFFFFFu;
    int32_t i = 0;
    if (zero) {
        for (; i + 4 <= n; i += 4) {
            a &= micro_requant_fast_bit0(multiplier[i], shift[i]) &
                 micro_requant_fast_bit0(multiplier[i + 1], shift[i + 1]);
            b &= micro_requant_fast_bit0(multiplier[i + 2], shift[i + 2]) &
                 micro_requant_fast_bit0(multiplier[i + 3], shift[i + 3]);
        }
        for (; i < n; ++i) {
            a &= micro_requant_fast_bit0(multiplier[i], shift[i]);
        }
    } else {
        for (; i + 4 <= n; i += 4) {
            a &= micro_requant_fast_bit(multiplier[i], shift[i]) &
                 micro_requant_fast_bit(multiplier[i + 1], shift[i + 1]);
            b &= micro_requant_fast_bit(multiplier[i + 2], shift[i + 2]) &
                 micro_requant_fast_bit(multiplier[i + 3], shift[i + 3]);
        }
        for (; i < n; ++i) {
            a &= micro_requant_fast_bit(multiplier[i], shift[i]);
        }
    }
    return a & b;
}

static inline int micro_requant_fast_ok(const int32_t *multiplier, const int32_t *shift,
                                        int32_t n, int32_t lo, int32_t hi)
{
    return lo == -128 && hi == 127 && (micro_requant_fast_all(multiplier, shift, n, 0) >> 31);
}

/* m2 = 2 * multiplier modulo 2^32, right1 = -shift - 1 (= ~shift), zp2 = 1 + 2 * zp. */
static inline int32_t micro_requant_fast_out(int32_t acc, int32_t m2, int32_t right1,
                                             int32_t zp2)
{
    const int32_t y = micro_smmlar(acc, m2, acc);
    return micro_ssat8_half(micro_qadd((y + (y >> 31)) >> right1, zp2));
}

/* n bytes from src to dst, a word at a time (runs are short: a library call would cost
 * more than the copy). */
static inline void micro_copy_run(int8_t *dst, const int8_t *src, int32_t n)
{
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const uint32_t v = micro_read4(src + i);
        memcpy(dst + i, &v, sizeof v);
    }
    for (; i < n; ++i) {
        dst[i] = src[i];
    }
}

/* n bytes of `value` at dst, a word at a time. */
static inline void micro_fill_run(int8_t *dst, int32_t value, int32_t n)
{
    const uint32_t v = ((uint32_t)value & 0xFFu) * 0x01010101u;
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        memcpy(dst + i, &v, sizeof v);
    }
    for (; i < n; ++i) {
        dst[i] = (int8_t)value;
    }
}

#endif
