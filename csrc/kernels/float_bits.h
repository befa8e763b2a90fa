/* Exact float functions on the bits, for the float kernels without libm (internal). Both
 * results are exactly representable, so they equal any correct libm's. */
#ifndef MICRO_KERNELS_FLOAT_BITS_H
#define MICRO_KERNELS_FLOAT_BITS_H

#include <stdint.h>
#include <string.h>

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
