/* Exact float functions on the bits, for the float kernels without libm (internal). Each
 * result is the exact or the correctly rounded one, so it equals any correct libm's and
 * every target gives the same bytes. */
#ifndef MICRO_KERNELS_FLOAT_BITS_H
#define MICRO_KERNELS_FLOAT_BITS_H

#include <stdint.h>
#include <string.h>

static inline float micro_f32_from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Correctly rounded sqrt: write x = m * 2^e with m a 24-bit integer, scale m by 2^23 or
 * 2^24 so the exponent is even, take the integer square root of the 47- or 48-bit value
 * and round it to nearest with its remainder (an exact tie cannot occur). */
static inline float micro_sqrt_f32(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    const uint32_t biased = (u >> 23) & 0xFF;
    if ((u & 0x7FFFFFFF) == 0) {
        return x; /* +0, -0 */
    }
    if (biased == 0xFF) {
        if (u & 0x7FFFFF) {
            return micro_f32_from_bits(u | 0x400000); /* NaN: quieted, payload kept */
        }
        return (u >> 31) ? micro_f32_from_bits(0xFFC00000u) : x; /* +inf; -inf is invalid */
    }
    if (u >> 31) {
        return micro_f32_from_bits(0xFFC00000u);
    }
    uint64_t m = u & 0x7FFFFF;
    int32_t e;
    if (biased == 0) { /* subnormal: normalise */
        e = -149;
        while (!(m & 0x800000)) {
            m <<= 1;
            --e;
        }
    } else {
        m |= 0x800000;
        e = (int32_t)biased - 150;
    }
    const int32_t s = ((e + 1000) % 2 == 0) ? 24 : 23; /* e - s even */
    uint64_t n = m << s;                                /* [2^46, 2^48) */
    uint64_t root = 0;
    uint64_t bit = (uint64_t)1 << 46;
    while (bit > n) {
        bit >>= 2;
    }
    while (bit) {
        if (n >= root + bit) {
            n -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    if (n > root) {
        ++root;
    }
    int32_t exponent = (e - s) / 2;
    if (root == ((uint64_t)1 << 24)) {
        root >>= 1;
        ++exponent;
    }
    return micro_f32_from_bits(((uint32_t)(exponent + 150) << 23) | ((uint32_t)root & 0x7FFFFF));
}

/* floor of a double: clear the fraction bits, stepping a negative value down first. */
static inline double micro_floor_f64(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    const int32_t e = (int32_t)((u >> 52) & 0x7FF) - 1023;
    if (e >= 52) {
        return x; /* integral, infinite or NaN */
    }
    if (e < 0) {
        if ((u << 1) == 0) {
            return x; /* +0, -0 */
        }
        return (u >> 63) ? -1.0 : 0.0;
    }
    const uint64_t fraction = 0xFFFFFFFFFFFFFull >> e;
    if ((u & fraction) == 0) {
        return x;
    }
    if (u >> 63) {
        u += fraction + 1; /* may carry into the exponent: still the right value */
    }
    u &= ~fraction;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* C's fmodf (x - trunc(x / y) * y, exact, with x's sign) by binary long division on the
 * significands. NaNs and invalid cases as the host's glibc: a NaN y comes back quieted,
 * else y == 0, an infinite x or a NaN x give (x * y) / (x * y). */
static inline float micro_fmod_f32(float x, float y)
{
    uint32_t ux, uy;
    memcpy(&ux, &x, sizeof ux);
    memcpy(&uy, &y, sizeof uy);
    const uint32_t sign = ux & 0x80000000u;
    const uint32_t ax = ux & 0x7FFFFFFFu, ay = uy & 0x7FFFFFFFu;
    if (ay > 0x7F800000u) {
        const uint32_t quiet = uy | 0x400000u;
        float r;
        memcpy(&r, &quiet, sizeof r);
        return r;
    }
    if (ay == 0 || ax >= 0x7F800000u) {
        return (x * y) / (x * y);
    }
    if (ax < ay) {
        return x;
    }
    int32_t ex = (int32_t)(ax >> 23), ey = (int32_t)(ay >> 23);
    uint32_t mx = ax & 0x7FFFFFu, my = ay & 0x7FFFFFu;
    /* value = m * 2^(e - 150) with m in [2^23, 2^24); subnormals normalised */
    if (ex == 0) {
        ex = 1;
        while (mx < 0x800000u) {
            mx <<= 1;
            --ex;
        }
    } else {
        mx |= 0x800000u;
    }
    if (ey == 0) {
        ey = 1;
        while (my < 0x800000u) {
            my <<= 1;
            --ey;
        }
    } else {
        my |= 0x800000u;
    }
    for (; ex > ey; --ex) {
        if (mx >= my) {
            mx -= my;
        }
        mx <<= 1;
    }
    if (mx >= my) {
        mx -= my;
    }
    uint32_t bits = sign;
    if (mx != 0) {
        while (mx < 0x800000u) {
            mx <<= 1;
            --ex;
        }
        bits |= ex >= 1 ? ((uint32_t)ex << 23) | (mx & 0x7FFFFFu) : mx >> (1 - ex);
    }
    float r;
    memcpy(&r, &bits, sizeof r);
    return r;
}

#endif
