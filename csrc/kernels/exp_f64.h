/* exp in double without libm (internal): x = k ln2 + r with |r| <= ln2 / 2 (ln2 split in
 * two so k ln2's high part is exact), exp(r) = 1 + (r + r^2 P(r)) with P the Taylor series
 * to r^13 (truncation below 2^-57 there), then scaled by 2^k on the exponent bits. Within
 * about 1 ulp of the true value; overflow gives +inf, underflow 0, NaN passes through. */
#ifndef MICRO_KERNELS_EXP_F64_H
#define MICRO_KERNELS_EXP_F64_H

#include <stdint.h>
#include <string.h>

static inline double micro_pow2_f64(int32_t k)
{
    const uint64_t bits = (uint64_t)(k + 1023) << 52; /* k in [-1022, 1023] */
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static inline double micro_exp_f64(double x)
{
    if (x != x) {
        return x + x;
    }
    if (x > 709.782712893384) {
        return micro_pow2_f64(1023) * 2.0; /* +inf */
    }
    if (x < -745.1332191019412) {
        return 0.0;
    }
    const double ln2_hi = 6.93147180369123816490e-01; /* 32 significant bits */
    const double ln2_lo = 1.90821492927058770002e-10;
    const double inv_ln2 = 1.44269504088896338700e+00;
    const double t = x * inv_ln2;
    const int32_t k = (int32_t)(t < 0 ? t - 0.5 : t + 0.5);
    const double r = (x - (double)k * ln2_hi) - (double)k * ln2_lo;
    double poly = 1.0 / 6227020800.0; /* 1/13! */
    static const double inv_fact[11] = {
        1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
        1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5};
    for (int i = 0; i < 11; ++i) {
        poly = poly * r + inv_fact[i];
    }
    const double y = 1.0 + (r + r * r * poly);
    if (k < -1021) { /* subnormal result: scale in two steps */
        return y * micro_pow2_f64(k + 1000) * micro_pow2_f64(-1000);
    }
    if (k > 1023) {
        return y * 2.0 * micro_pow2_f64(k - 1);
    }
    return y * micro_pow2_f64(k);
}

#endif
