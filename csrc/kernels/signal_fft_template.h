/*
 * The SignalRfft and SignalIrfft kernels around KISS FFT (kiss_fft_template.h), written
 * once for the six of them (internal; no include guard: each kernel file includes it once
 * after its kiss_fft_<type>.h). The including file defines KT and KN as that header does
 * for its type, and
 *   KINVERSE    0: SignalRfft, 1: SignalIrfft
 *   KF(name)    the kernel's public names (KF() is the kernel function)
 *   KOP(slot)   its operand slots (MICRO_SIGNAL_<RFFT|IRFFT>_<TYPE>_##slot)
 * and gets the kernel function, its scratch size (one complex frame), and the step and
 * check that its micro_kernel_t entry names.
 */

#if KINVERSE
/* Complex value j of the folded frame (the inverse FFT's input). */
static KN(cpx) folded(const void *src, int32_t length, int32_t j)
{
    (void)length;
    return ((const KN(cpx) *)src)[j];
}

/* Per frame: H+1 bins folded into the scratch, their inverse FFT into 2H samples. */
micro_status_t KF()(const KF(_params_t) *p, const KT *input, const KT *twiddles,
                    const KT *super_twiddles, KT *scratch, KT *output)
{
    const int32_t h = p->half_length;
    const KN(cpx) *tw = (const KN(cpx) *)(const void *)twiddles;
    const KN(cpx) *super = (const KN(cpx) *)(const void *)super_twiddles;
    KN(cpx) *t = (KN(cpx) *)(void *)scratch;
    for (int32_t frame = 0; frame < p->frames; ++frame) {
        const KT *x = input + (int64_t)frame * 2 * (h + 1);
        KT *y = output + (int64_t)frame * 2 * h;
        KN(micro_kiss_fold)((const KN(cpx) *)(const void *)x, h, super, t);
        KN(micro_kiss_fft)(h, p->n_stages, p->radix, 1, folded, t, h, tw,
                           (KN(cpx) *)(void *)y);
        KN(micro_kiss_unscale)(y, 2 * h);
    }
    return MICRO_OK;
}

#define KPLAN_CHECK micro_kiss_irfft_check
#else
/* Per frame: the H-point FFT of the sample pairs into the scratch, split into H+1 bins. */
micro_status_t KF()(const KF(_params_t) *p, const KT *input, const KT *twiddles,
                    const KT *super_twiddles, KT *scratch, KT *output)
{
    const int32_t h = p->half_length;
    const KN(cpx) *tw = (const KN(cpx) *)(const void *)twiddles;
    const KN(cpx) *super = (const KN(cpx) *)(const void *)super_twiddles;
    KN(cpx) *f = (KN(cpx) *)(void *)scratch;
    for (int32_t frame = 0; frame < p->frames; ++frame) {
        KN(micro_kiss_fft)(h, p->n_stages, p->radix, 0, KN(micro_kiss_pair),
                           input + (int64_t)frame * p->input_length, p->input_length, tw, f);
        KN(micro_kiss_split)(f, h, super,
                             (KN(cpx) *)(void *)(output + (int64_t)frame * 2 * (h + 1)));
    }
    return MICRO_OK;
}

#define KPLAN_CHECK micro_kiss_rfft_check
#endif

int64_t KF(_scratch_size)(const KF(_params_t) *p)
{
    return 2 * (int64_t)p->half_length * (int64_t)sizeof(KT);
}

static micro_status_t step(const void *params, void *const *op)
{
    return KF()(params, op[KOP(INPUT)], op[KOP(TWIDDLES)], op[KOP(SUPER_TWIDDLES)],
                op[KOP(SCRATCH)], op[KOP(OUTPUT)]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const KF(_params_t) *p = params;
    const micro_status_t status = KPLAN_CHECK(p, size, (int64_t)sizeof(KT));
    if (status != MICRO_OK) {
        return status;
    }
    if (!KN(micro_kiss_twiddles_ok)(op[KOP(TWIDDLES)], 2 * p->half_length) ||
        !KN(micro_kiss_twiddles_ok)(op[KOP(SUPER_TWIDDLES)], 2 * (p->half_length / 2))) {
        return MICRO_ERR_PARAMS;
    }
    return MICRO_OK;
}

#undef KPLAN_CHECK
