/*
 * KISS FFT's complex FFT (v130) as TFLM runs it, written once for its three scalar types
 * (internal; no include guard: kiss_fft_s16.h, kiss_fft_s32.h and kiss_fft_f32.h each
 * include it once). The including header defines the scalar type KT, the name suffix
 * KN(name), the complex type KN(cpx) and these scalar operations, each as KISS FFT's type
 * computes it:
 *   KN(add)(a, b), KN(sub)(a, b), KN(neg)(a)   sums (the fixed-point types wrap)
 *   KN(smul)(a, b)                             S_MUL: a product (Q15/Q31 rounded)
 *   KN(half)(a)                                HALF_OF
 *   KN(div)(a, k)                              C_FIXDIV's a / k (float: a itself)
 *   KN(cmul)(a, b)                             C_MUL
 *   KN(hsum)(a, b), KN(hdiff)(a, b)            HALF_OF(a + b), HALF_OF(a - b) (the sum in
 *                                              the type's C arithmetic: int16 promotes)
 * Sums are written in KISS FFT's order (a += b + c is a + (b + c)), which the float type
 * needs and the wrapping types do not mind.
 */

static inline KN(cpx) KN(cadd)(KN(cpx) a, KN(cpx) b)
{
    KN(cpx) m;
    m.r = KN(add)(a.r, b.r);
    m.i = KN(add)(a.i, b.i);
    return m;
}

static inline KN(cpx) KN(csub)(KN(cpx) a, KN(cpx) b)
{
    KN(cpx) m;
    m.r = KN(sub)(a.r, b.r);
    m.i = KN(sub)(a.i, b.i);
    return m;
}

static inline KN(cpx) KN(cdiv)(KN(cpx) c, int32_t k)
{
    c.r = KN(div)(c.r, k);
    c.i = KN(div)(c.i, k);
    return c;
}

static inline KN(cpx) KN(conj)(KN(cpx) c)
{
    c.i = KN(neg)(c.i);
    return c;
}

static inline void KN(bfly2)(KN(cpx) *f, const KN(cpx) *tw, int32_t fstride, int32_t m)
{
    for (int32_t k = 0; k < m; ++k) {
        const KN(cpx) a = KN(cdiv)(f[k], 2);
        const KN(cpx) t = KN(cmul)(KN(cdiv)(f[k + m], 2), tw[k * fstride]);
        f[k + m] = KN(csub)(a, t);
        f[k] = KN(cadd)(a, t);
    }
}

static inline void KN(bfly3)(KN(cpx) *f, const KN(cpx) *tw, int32_t fstride, int32_t m)
{
    const KT epi3 = tw[fstride * m].i;
    for (int32_t k = 0; k < m; ++k) {
        const KN(cpx) a = KN(cdiv)(f[k], 3);
        const KN(cpx) s1 = KN(cmul)(KN(cdiv)(f[k + m], 3), tw[k * fstride]);
        const KN(cpx) s2 = KN(cmul)(KN(cdiv)(f[k + 2 * m], 3), tw[2 * k * fstride]);
        const KN(cpx) s3 = KN(cadd)(s1, s2);
        KN(cpx) s0 = KN(csub)(s1, s2);
        KN(cpx) b;
        b.r = KN(sub)(a.r, KN(half)(s3.r));
        b.i = KN(sub)(a.i, KN(half)(s3.i));
        s0.r = KN(smul)(s0.r, epi3);
        s0.i = KN(smul)(s0.i, epi3);
        f[k] = KN(cadd)(a, s3);
        f[k + 2 * m].r = KN(add)(b.r, s0.i);
        f[k + 2 * m].i = KN(sub)(b.i, s0.r);
        f[k + m].r = KN(sub)(b.r, s0.i);
        f[k + m].i = KN(add)(b.i, s0.r);
    }
}

static inline void KN(bfly4)(KN(cpx) *f, const KN(cpx) *tw, int32_t fstride, int32_t m,
                             int32_t inverse)
{
    for (int32_t k = 0; k < m; ++k) {
        const KN(cpx) a = KN(cdiv)(f[k], 4);
        const KN(cpx) s0 = KN(cmul)(KN(cdiv)(f[k + m], 4), tw[k * fstride]);
        const KN(cpx) s1 = KN(cmul)(KN(cdiv)(f[k + 2 * m], 4), tw[2 * k * fstride]);
        const KN(cpx) s2 = KN(cmul)(KN(cdiv)(f[k + 3 * m], 4), tw[3 * k * fstride]);
        const KN(cpx) s5 = KN(csub)(a, s1);
        const KN(cpx) a1 = KN(cadd)(a, s1);
        const KN(cpx) s3 = KN(cadd)(s0, s2);
        const KN(cpx) s4 = KN(csub)(s0, s2);
        f[k + 2 * m] = KN(csub)(a1, s3);
        f[k] = KN(cadd)(a1, s3);
        if (inverse) { /* the inverse transform turns the odd quarter the other way */
            f[k + m].r = KN(sub)(s5.r, s4.i);
            f[k + m].i = KN(add)(s5.i, s4.r);
            f[k + 3 * m].r = KN(add)(s5.r, s4.i);
            f[k + 3 * m].i = KN(sub)(s5.i, s4.r);
        } else {
            f[k + m].r = KN(add)(s5.r, s4.i);
            f[k + m].i = KN(sub)(s5.i, s4.r);
            f[k + 3 * m].r = KN(sub)(s5.r, s4.i);
            f[k + 3 * m].i = KN(add)(s5.i, s4.r);
        }
    }
}

static inline void KN(bfly5)(KN(cpx) *f, const KN(cpx) *tw, int32_t fstride, int32_t m)
{
    const KN(cpx) ya = tw[fstride * m];
    const KN(cpx) yb = tw[2 * fstride * m];
    for (int32_t u = 0; u < m; ++u) {
        const KN(cpx) s0 = KN(cdiv)(f[u], 5);
        const KN(cpx) s1 = KN(cmul)(KN(cdiv)(f[u + m], 5), tw[u * fstride]);
        const KN(cpx) s2 = KN(cmul)(KN(cdiv)(f[u + 2 * m], 5), tw[2 * u * fstride]);
        const KN(cpx) s3 = KN(cmul)(KN(cdiv)(f[u + 3 * m], 5), tw[3 * u * fstride]);
        const KN(cpx) s4 = KN(cmul)(KN(cdiv)(f[u + 4 * m], 5), tw[4 * u * fstride]);
        const KN(cpx) s7 = KN(cadd)(s1, s4);
        const KN(cpx) s10 = KN(csub)(s1, s4);
        const KN(cpx) s8 = KN(cadd)(s2, s3);
        const KN(cpx) s9 = KN(csub)(s2, s3);
        KN(cpx) s5, s6, s11, s12;
        f[u].r = KN(add)(s0.r, KN(add)(s7.r, s8.r));
        f[u].i = KN(add)(s0.i, KN(add)(s7.i, s8.i));
        s5.r = KN(add)(KN(add)(s0.r, KN(smul)(s7.r, ya.r)), KN(smul)(s8.r, yb.r));
        s5.i = KN(add)(KN(add)(s0.i, KN(smul)(s7.i, ya.r)), KN(smul)(s8.i, yb.r));
        s6.r = KN(add)(KN(smul)(s10.i, ya.i), KN(smul)(s9.i, yb.i));
        s6.i = KN(sub)(KN(neg)(KN(smul)(s10.r, ya.i)), KN(smul)(s9.r, yb.i));
        f[u + m] = KN(csub)(s5, s6);
        f[u + 4 * m] = KN(cadd)(s5, s6);
        s11.r = KN(add)(KN(add)(s0.r, KN(smul)(s7.r, yb.r)), KN(smul)(s8.r, ya.r));
        s11.i = KN(add)(KN(add)(s0.i, KN(smul)(s7.i, yb.r)), KN(smul)(s8.i, ya.r));
        s12.r = KN(add)(KN(neg)(KN(smul)(s10.i, yb.i)), KN(smul)(s9.i, ya.i));
        s12.i = KN(sub)(KN(smul)(s10.r, yb.i), KN(smul)(s9.r, ya.i));
        f[u + 2 * m] = KN(cadd)(s11, s12);
        f[u + 3 * m] = KN(csub)(s11, s12);
    }
}

/* The H-point complex FFT (inverse: with the conjugate twiddles and the inverse radix-4
 * turn) of one frame, input j read as fetch(src, length, j), into `f`, as KISS FFT's
 * recursive decimation in time: slot k starts from the input whose index has k's
 * mixed-radix digits reversed, then each stage combines blocks bottom-up (blocks of one
 * stage are independent, so this order gives KISS FFT's exact results). */
static inline void KN(micro_kiss_fft)(int32_t h, int32_t stages, const int32_t *radices,
                                      int32_t inverse,
                                      KN(cpx) (*fetch)(const void *, int32_t, int32_t),
                                      const void *src, int32_t length, const KN(cpx) *tw,
                                      KN(cpx) *f)
{
    int32_t digit[MICRO_SIGNAL_RFFT_MAX_STAGES] = {0};
    int32_t stride[MICRO_SIGNAL_RFFT_MAX_STAGES];
    int32_t fstride = 1;
    for (int32_t s = 0; s < stages; ++s) {
        stride[s] = fstride;
        fstride *= radices[s];
    }
    /* Walk k in order with its digits (most significant first: stage 0), accumulating the
     * reversed index. */
    int32_t source = 0;
    for (int32_t k = 0; k < h; ++k) {
        f[k] = fetch(src, length, source);
        for (int32_t s = stages - 1; s >= 0; --s) {
            source += stride[s];
            if (++digit[s] < radices[s]) {
                break;
            }
            source -= stride[s] * radices[s];
            digit[s] = 0;
        }
    }
    for (int32_t s = stages - 1; s >= 0; --s) {
        const int32_t radix = radices[s];
        const int32_t m = h / (stride[s] * radix);
        for (int32_t b = 0; b < stride[s]; ++b) {
            KN(cpx) *block = f + b * radix * m;
            switch (radix) {
            case 2:
                KN(bfly2)(block, tw, stride[s], m);
                break;
            case 3:
                KN(bfly3)(block, tw, stride[s], m);
                break;
            case 4:
                KN(bfly4)(block, tw, stride[s], m, inverse);
                break;
            default:
                KN(bfly5)(block, tw, stride[s], m);
                break;
            }
        }
    }
}

/* kiss_fftri's fold of H+1 bins x into the H complex inputs t of the inverse FFT:
 *   t[0] = div2(x[0].r + x[H].r, x[0].r - x[H].r)
 *   t[k] = e + o, t[H-k] = conj(e - o), e = a + b, o = (a - b) * super[k-1],
 *   with a = div2(x[k]), b = div2(conj(x[H-k]))                    (1 <= k <= H/2)
 * (for k = H/2 the second write replaces the first, as there). */
static inline void KN(micro_kiss_fold)(const KN(cpx) *x, int32_t h, const KN(cpx) *super,
                                       KN(cpx) *t)
{
    KN(cpx) dc;
    dc.r = KN(add)(x[0].r, x[h].r);
    dc.i = KN(sub)(x[0].r, x[h].r);
    t[0] = KN(cdiv)(dc, 2);
    for (int32_t k = 1; k <= h / 2; ++k) {
        const KN(cpx) a = KN(cdiv)(x[k], 2);
        const KN(cpx) b = KN(cdiv)(KN(conj)(x[h - k]), 2);
        const KN(cpx) even = KN(cadd)(a, b);
        const KN(cpx) odd = KN(cmul)(KN(csub)(a, b), super[k - 1]);
        t[k] = KN(cadd)(even, odd);
        t[h - k] = KN(conj)(KN(csub)(even, odd));
    }
}

/* The forward FFT's input j: samples (2j, 2j+1) of a frame of `length` real samples
 * zero-padded to 2H, as one complex value. */
static inline KN(cpx) KN(micro_kiss_pair)(const void *src, int32_t length, int32_t j)
{
    const KT *x = src;
    KN(cpx) c;
    c.r = 2 * j < length ? x[2 * j] : (KT)0;
    c.i = 2 * j + 1 < length ? x[2 * j + 1] : (KT)0;
    return c;
}

/* kiss_fftr's split of the H-point transform f of the sample pairs into H+1 bins `out`:
 *   out[0].r = d.r + d.i, out[H].r = d.r - d.i, d = div2(f[0]), their .i = 0
 *   out[k] = half(s + t), out[H-k] = half(conj(s - t)), s = a + b, t = (a - b) * super[k-1],
 *   with a = div2(f[k]), b = div2(conj(f[H-k]))                    (1 <= k <= H/2)
 * (for k = H/2 the second write replaces the first, as there). */
static inline void KN(micro_kiss_split)(const KN(cpx) *f, int32_t h, const KN(cpx) *super,
                                        KN(cpx) *out)
{
    const KN(cpx) dc = KN(cdiv)(f[0], 2);
    out[0].r = KN(add)(dc.r, dc.i);
    out[h].r = KN(sub)(dc.r, dc.i);
    out[0].i = (KT)0;
    out[h].i = (KT)0;
    for (int32_t k = 1; k <= h / 2; ++k) {
        const KN(cpx) a = KN(cdiv)(f[k], 2);
        const KN(cpx) b = KN(cdiv)(KN(conj)(f[h - k]), 2);
        const KN(cpx) sum = KN(cadd)(a, b);
        const KN(cpx) t = KN(cmul)(KN(csub)(a, b), super[k - 1]);
        out[k].r = KN(hsum)(sum.r, t.r);
        out[k].i = KN(hsum)(sum.i, t.i);
        out[h - k].r = KN(hdiff)(sum.r, t.r);
        out[h - k].i = KN(hdiff)(t.i, sum.i);
    }
}
