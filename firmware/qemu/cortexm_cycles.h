/*
 * Cycle estimate per Thumb/Thumb-2 instruction on a Cortex-M3, M4 or M7, for insncount.c.
 *
 * Costs are the Technical Reference Manuals' instruction timings for zero-wait-state
 * memory (Cortex-M4 TRM 3.3.1, Cortex-M3 TRM 3.3.1):
 *   data processing, MUL, DSP (SMLAD, SXTB16, QADD, ...), SSAT       1
 *   MLA, MLS (M3)                                                    2 (M4: 1)
 *   SMULL, UMULL / SMLAL, UMLAL (M3, worst case)                     5 / 7 (M4: 1)
 *   SDIV, UDIV (operand-dependent 2..12; taken at the worst)         12
 *   LDR, STR (byte, half, word)                                      2, or 1 when it
 *       directly follows a load single (the TRM's pipelined neighbours; nothing is
 *       pipelined after a store)
 *   LDRD, STRD                                                       3
 *   LDM, STM, PUSH, POP of N registers                               1 + N
 *   branch taken (B, BL, BX, CBZ, POP {pc}, LDR pc, TBB, ...)        + P, P = 2 (the TRM's
 *       refill is 1..3 with alignment and width of the target); not taken: no refill
 *   floating point (VADD, VMUL, ...; VLDR/VSTR counted as 1 too)     1, VDIV/VSQRT 14
 * The Cortex-M7 is dual-issue with a branch predictor; its model here is single issue,
 * loads 1, LDM/STM 1 + N/2 (64-bit bus), predicted branches with no refill: an upper
 * bound for code held in tightly coupled memory, coarser than the M3/M4 model.
 */
#ifndef MICRO_QEMU_CORTEXM_CYCLES_H
#define MICRO_QEMU_CORTEXM_CYCLES_H

#include <stdint.h>

enum cortexm_class {
    CM_ALU,       /* data processing, moves, compares, IT, hints, DSP SIMD */
    CM_MUL,       /* MUL, SMUL*, SMLA* (32-bit result), USAD8 */
    CM_MAC32,     /* MLA, MLS: 32-bit accumulate */
    CM_MUL64,     /* SMULL, UMULL, SMULL-class without accumulate */
    CM_MAC64,     /* SMLAL, UMLAL, SMLALD, ... */
    CM_DIV,       /* SDIV, UDIV */
    CM_LOAD,      /* load single */
    CM_STORE,     /* store single */
    CM_DUAL,      /* LDRD, STRD */
    CM_MULTI,     /* LDM, STM, PUSH, POP without pc: n registers */
    CM_BRANCH,    /* writes pc: pays refill if taken; n registers if POP/LDM with pc */
    CM_FP,        /* floating point data processing and loads */
    CM_FP_LONG,   /* VDIV, VSQRT */
    CM_N_CLASSES
};

struct cortexm_timing {
    const char *name;
    unsigned cost[CM_N_CLASSES]; /* cycles (for CM_MULTI and CM_BRANCH: base before regs) */
    unsigned multi_per_reg2;     /* twice the cycles per register of LDM/STM/PUSH/POP */
    unsigned load_pipelined;     /* cycles of a load/store single after a load single */
    unsigned refill;             /* extra cycles of a taken branch */
};

static const struct cortexm_timing cortexm4_timing = {
    "m4",
    {1, 1, 1, 1, 1, 12, 2, 2, 3, 1, 1, 1, 14},
    2,
    1,
    2,
};

static const struct cortexm_timing cortexm3_timing = {
    "m3",
    {1, 1, 2, 5, 7, 12, 2, 2, 3, 1, 1, 1, 14},
    2,
    1,
    2,
};

static const struct cortexm_timing cortexm7_timing = {
    "m7",
    {1, 1, 1, 1, 1, 12, 1, 1, 1, 1, 1, 1, 14},
    1,
    1,
    0,
};

/* One decoded instruction: its class and, for register lists, how many registers. */
struct cortexm_insn {
    enum cortexm_class cls;
    unsigned n_regs;
};

static inline unsigned cortexm_popcount16(uint32_t x)
{
    unsigned n = 0;
    for (x &= 0xFFFFu; x != 0; x &= x - 1) {
        ++n;
    }
    return n;
}

/* A 16-bit Thumb instruction (ARMv7-M ARM A5.2). */
static inline struct cortexm_insn cortexm_decode16(uint32_t hw)
{
    struct cortexm_insn r = {CM_ALU, 0};
    if ((hw & 0xFC00u) == 0x4400u) { /* special data processing, branch and exchange */
        const unsigned op = (hw >> 8) & 3u;
        const unsigned rd = ((hw >> 4) & 8u) | (hw & 7u);
        if (op == 3u || (op != 1u && rd == 15u)) {
            r.cls = CM_BRANCH;
        }
    } else if ((hw & 0xF800u) == 0x4800u) { /* LDR literal */
        r.cls = CM_LOAD;
    } else if ((hw & 0xF000u) == 0x5000u) { /* load/store register offset */
        r.cls = ((hw >> 9) & 7u) >= 3u ? CM_LOAD : CM_STORE;
    } else if ((hw & 0xE000u) == 0x6000u || (hw & 0xE000u) == 0x8000u) {
        r.cls = (hw & 0x0800u) ? CM_LOAD : CM_STORE; /* immediate, halfword, SP-relative */
    } else if ((hw & 0xF600u) == 0xB400u) { /* PUSH, POP */
        r.n_regs = cortexm_popcount16(hw & 0xFFu) + ((hw >> 8) & 1u);
        r.cls = (hw & 0x0900u) == 0x0900u ? CM_BRANCH : CM_MULTI; /* POP with pc */
    } else if ((hw & 0xF500u) == 0xB100u) { /* CBZ, CBNZ */
        r.cls = CM_BRANCH;
    } else if ((hw & 0xF000u) == 0xC000u) { /* LDM, STM */
        r.cls = CM_MULTI;
        r.n_regs = cortexm_popcount16(hw & 0xFFu);
    } else if ((hw & 0xF000u) == 0xD000u) { /* B<c>; 0xDE, 0xDF: UDF, SVC */
        r.cls = ((hw >> 9) & 7u) == 7u ? CM_ALU : CM_BRANCH;
    } else if ((hw & 0xF800u) == 0xE000u) { /* B */
        r.cls = CM_BRANCH;
    }
    return r;
}

/* VDIV and VSQRT take 14 cycles; every other floating-point instruction one. */
static inline enum cortexm_class cortexm_fp_class(uint32_t hw1, uint32_t hw2)
{
    const int vdiv = (hw1 & 0xFFB0u) == 0xEE80u && (hw2 & 0x0E50u) == 0x0A00u;
    const int vsqrt = (hw1 & 0xFFBFu) == 0xEEB1u && (hw2 & 0x0ED0u) == 0x0AC0u;
    return (vdiv || vsqrt) ? CM_FP_LONG : CM_FP;
}

/* A 32-bit Thumb-2 instruction, first halfword hw1 (ARMv7-M ARM A5.3). */
static inline struct cortexm_insn cortexm_decode32(uint32_t hw1, uint32_t hw2)
{
    struct cortexm_insn r = {CM_ALU, 0};
    const unsigned op1 = (hw1 >> 11) & 3u;
    const unsigned op2 = (hw1 >> 4) & 0x7Fu;
    if (op1 == 1u) {
        if ((op2 & 0x64u) == 0x00u) { /* LDM, STM (incl. PUSH.W, POP.W) */
            r.n_regs = cortexm_popcount16(hw2);
            r.cls = ((hw1 & 0x10u) && (hw2 & 0x8000u)) ? CM_BRANCH : CM_MULTI;
        } else if ((op2 & 0x64u) == 0x04u) { /* dual, exclusive, table branch */
            const unsigned a = (hw1 >> 7) & 3u;
            const unsigned b = (hw1 >> 4) & 3u;
            if (a == 1u && b == 1u && (hw2 & 0xFFE0u) == 0xF000u) {
                r.cls = CM_BRANCH; /* TBB, TBH: a load, then the refill */
                r.n_regs = 1;
            } else if (a <= 1u && b <= 1u) {
                r.cls = (b & 1u) ? CM_LOAD : CM_STORE; /* exclusives */
            } else {
                r.cls = CM_DUAL;
            }
        } else if (op2 & 0x40u) { /* coprocessor: floating point */
            r.cls = cortexm_fp_class(hw1, hw2);
        }
        return r; /* else data processing (shifted register) */
    }
    if (op1 == 2u) {
        if ((hw2 & 0x8000u) == 0u) {
            return r; /* data processing, immediate */
        }
        const unsigned c = (hw2 >> 12) & 5u;
        if (c == 0u && ((hw1 >> 7) & 7u) == 7u) {
            return r; /* MSR, MRS, hints, barriers */
        }
        r.cls = CM_BRANCH; /* B<c>.W, B.W, BL */
        return r;
    }
    /* op1 == 3 */
    if ((op2 & 0x71u) == 0x00u) { /* store single */
        r.cls = CM_STORE;
    } else if ((op2 & 0x67u) == 0x01u || (op2 & 0x67u) == 0x03u || (op2 & 0x67u) == 0x05u) {
        const unsigned rt = (hw2 >> 12) & 0xFu;
        if (rt == 15u && (op2 & 0x67u) == 0x05u) {
            r.cls = CM_BRANCH; /* LDR pc */
            r.n_regs = 1;
        } else {
            r.cls = rt == 15u ? CM_ALU : CM_LOAD; /* rt = pc on byte/half: PLD, PLI */
        }
    } else if ((op2 & 0x78u) == 0x30u) { /* multiply, multiply-accumulate, USAD8 */
        const unsigned ra = (hw2 >> 12) & 0xFu;
        const int mla_mls = ((hw1 >> 4) & 7u) == 0u && ((hw2 >> 4) & 3u) <= 1u && ra != 15u;
        r.cls = mla_mls ? CM_MAC32 : CM_MUL;
    } else if ((op2 & 0x78u) == 0x38u) { /* long multiply, long accumulate, divide */
        const unsigned a = (hw1 >> 4) & 7u;
        if ((a == 1u || a == 3u) && ((hw2 >> 4) & 0xFu) == 0xFu) {
            r.cls = CM_DIV;
        } else {
            r.cls = (a == 0u || a == 2u) ? CM_MUL64 : CM_MAC64;
        }
    } else if (op2 & 0x40u) {
        r.cls = cortexm_fp_class(hw1, hw2);
    }
    return r; /* else data processing (register) */
}

/* Whether a halfword starts a 32-bit instruction. */
static inline int cortexm_is_wide(uint32_t hw)
{
    return (hw & 0xF800u) >= 0xE800u;
}

/*
 * Cycles of one instruction before any branch refill; *after_load says whether the
 * previous instruction was a load single, and is updated.
 */
static inline unsigned cortexm_cycles(const struct cortexm_timing *t, struct cortexm_insn in,
                                      int *after_load)
{
    const int pipelined = *after_load;
    *after_load = in.cls == CM_LOAD;
    switch (in.cls) {
    case CM_LOAD:
    case CM_STORE:
        return pipelined ? t->load_pipelined : t->cost[in.cls];
    case CM_MULTI:
    case CM_BRANCH:
        return t->cost[in.cls] + (in.n_regs * t->multi_per_reg2 + 1u) / 2u;
    default:
        return t->cost[in.cls];
    }
}

#endif
