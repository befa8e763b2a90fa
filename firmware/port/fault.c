/*
 * Faults end the program with one line on the console and a non-zero exit status, never
 * a hang: the stack guard that turns an overflow into a fault, and the handlers that
 * report one.
 *
 * The guard (Armv7-M cores with an MPU: Cortex-M3/M4/M7; QEMU's mps2 machines model the
 * PMSAv7 MPU): two no-access regions, the two highest-numbered, which win where a region
 * a board's own code adds overlaps them.
 *
 *   __stack_guard - 8 KiB .. __stack_guard   below RAM (sections.ld puts the guard at its
 *                                            origin): a frame larger than 32 B can step
 *                                            over the guard, and on QEMU's mps2 machines
 *                                            nothing there faults on its own
 *   __stack_guard .. __stack_bottom          the 32-B slot sections.ld reserves under the
 *                                            stack (the smallest MPU region)
 *
 * The MPU's background map (PRIVDEFENA) keeps everything else as it was; only privileged
 * code runs. A frame larger than 8 KiB + 32 B, whose first access lies beyond both, is not
 * caught. micro_stack_guard_enable() costs instructions once, before main(); nothing
 * after it runs differently.
 *
 * A fault handler cannot use the stack that overflowed: micro_fault_entry, on every fault
 * vector, first moves SP to a reserved fault stack, then reports (micro_fault_report):
 *
 *   fault: stack overflow (MemManage DACCVIOL MSTKERR at 0x2000001c, PC not stacked)
 *          stack size=8192                                          (one line)
 *   fault: UsageFault (UNDEFINSTR, PC 0x00000a3e)
 *
 * An overflow is a fault whose exception frame (the stack pointer the core stacked to)
 * lies below the stack, or whose faulting address lies in the guard or the zone below.
 * The stacked PC is printed when the frame lies inside the stack and was written whole;
 * after an overflow the core usually could not stack it (MSTKERR: it fell in the guard).
 * Cortex-M0+ (Armv6-M) has no MemManage and no fault status registers: a HardFault is
 * reported the same way, but nothing guards the stack (firmware/README.md "Stack").
 */
#include <stdint.h>

#include "micro_port.h"
#include "micro_print.h"

#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
#define MICRO_V7M 1
#else
#define MICRO_V7M 0
#endif

/* -DMICRO_STACK_GUARD=0 leaves the MPU off (a board whose own code programs it); the
 * fault reports stay. */
#ifndef MICRO_STACK_GUARD
#define MICRO_STACK_GUARD 1
#endif

extern uint32_t __stack_guard[], __stack_bottom[], __stack_top[];

#define REG(addr) (*(volatile uint32_t *)(addr))
#define SCB_SHCSR REG(0xE000ED24u)
#define SCB_CFSR REG(0xE000ED28u)
#define SCB_HFSR REG(0xE000ED2Cu)
#define SCB_MMFAR REG(0xE000ED34u)
#define SCB_BFAR REG(0xE000ED38u)
#define FPU_FPCCR REG(0xE000EF34u)
#define MPU_TYPE REG(0xE000ED90u)
#define MPU_CTRL REG(0xE000ED94u)
#define MPU_RBAR REG(0xE000ED9Cu)
#define MPU_RASR REG(0xE000EDA0u)

#define SHCSR_FAULTS_ENABLE (7u << 16) /* MEMFAULTENA, BUSFAULTENA, USGFAULTENA */
#define MPU_CTRL_ON 5u                 /* ENABLE, PRIVDEFENA (background map for the rest) */
#define RBAR_VALID (1u << 4)           /* the region number comes from RBAR's bits 3:0 */
#define RASR_NO_ACCESS (1u << 28)      /* XN, AP = 0: no access (so no memory type matters) */
#define RASR_SIZE(log2) ((((log2) - 1u) << 1) | 1u) /* SIZE field, ENABLE */
#define CFSR_MMARVALID (1u << 7)
#define CFSR_BFARVALID (1u << 15)
#define CFSR_STACKING ((1u << 4) | (1u << 12)) /* MSTKERR, STKERR: the frame is not whole */
#define ZONE_LOG2 13u                          /* the zone below RAM: 8 KiB */

#define STRINGIFY(x) #x
#define STR(x) STRINGIFY(x)
#define FAULT_STACK_BYTES 384

/* The stack the fault handlers run on; micro_fault_entry loads its top. */
uint64_t micro_fault_stack[FAULT_STACK_BYTES / 8];

void micro_stack_guard_enable(void)
{
#if MICRO_V7M && MICRO_STACK_GUARD
    const uint32_t regions = (MPU_TYPE >> 8) & 0xFFu; /* DREGION: 0 without an MPU */
    const uint32_t guard = (uint32_t)(uintptr_t)__stack_guard;
    if (regions < 2u) {
        return;
    }
    SCB_SHCSR |= SHCSR_FAULTS_ENABLE; /* each fault its own handler, not a HardFault */
    MPU_RBAR = guard | RBAR_VALID | (regions - 1u);
    MPU_RASR = RASR_NO_ACCESS | RASR_SIZE(5u);
    if (guard >= (1u << ZONE_LOG2) && guard % (1u << ZONE_LOG2) == 0u) {
        MPU_RBAR = (guard - (1u << ZONE_LOG2)) | RBAR_VALID | (regions - 2u);
        MPU_RASR = RASR_NO_ACCESS | RASR_SIZE(ZONE_LOG2);
    }
    MPU_CTRL = MPU_CTRL_ON;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
}

static void put_hex(uint32_t value)
{
    static const char digits[] = "0123456789abcdef";
    char text[10] = {'0', 'x'};
    for (uint32_t i = 0; i < 8u; ++i) {
        text[2u + i] = digits[(value >> (28u - 4u * i)) & 15u];
    }
    micro_port_write(text, sizeof text);
}

#if MICRO_V7M
/* The names of CFSR's bits 0..25 (Armv7-M's), each ended by ';' (an empty one: no fault
 * bit, or a status bit the line shows otherwise). */
static const char cfsr_names[] =
    "IACCVIOL;DACCVIOL;;MUNSTKERR;MSTKERR;MLSPERR;;;"
    "IBUSERR;PRECISERR;IMPRECISERR;UNSTKERR;STKERR;LSPERR;;;"
    "UNDEFINSTR;INVSTATE;INVPC;NOCP;;;;;UNALIGNED;DIVBYZERO;";
#endif

/* One item inside the line's parentheses: a space before all but the first. */
static uint32_t items;

static void put_item(const char *text, uint32_t size)
{
    if (items++ != 0) {
        micro_port_write(" ", 1u);
    }
    micro_port_write(text, size);
}

static const char *exception_name(uint32_t ipsr)
{
    static const char *const names[] = {"HardFault", "MemManage", "BusFault", "UsageFault"};
    return ipsr >= 3u && ipsr <= 6u ? names[ipsr - 3u] : "exception";
}

/* Called by micro_fault_entry on the fault stack: `frame` is where the core stacked (or
 * tried to stack) r0-r3, r12, lr, pc, xpsr; `exc_return` the handler's LR. */
__attribute__((noreturn, used)) void micro_fault_report(const uint32_t *frame, uint32_t exc_return)
{
    static uint32_t reporting; /* a fault while reporting: exit without a second line */
    if (reporting) {
        micro_port_exit(MICRO_EXIT_FAULT);
    }
    reporting = 1u;
    uint32_t ipsr, stacking_failed = 0u, address = 0u, has_address = 0u;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    ipsr &= 0x1FFu;
    if (exc_return & 4u) { /* the frame is on the process stack */
        __asm__ volatile("mrs %0, psp" : "=r"(frame));
    }
#if MICRO_V7M
    MPU_CTRL = 0u; /* reading the frame and printing must not fault on the guard again */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#ifdef __ARM_FP
    FPU_FPCCR &= ~1u; /* drop a pending lazy FP save: its space may lie in the guard */
#endif
    const uint32_t cfsr = SCB_CFSR;
    stacking_failed = cfsr & CFSR_STACKING;
    if (cfsr & (CFSR_MMARVALID | CFSR_BFARVALID)) {
        address = cfsr & CFSR_MMARVALID ? SCB_MMFAR : SCB_BFAR;
        has_address = 1u;
    }
#endif
    const uintptr_t at = (uintptr_t)frame;
    const uintptr_t bottom = (uintptr_t)__stack_bottom;
    const uintptr_t zone = (uintptr_t)__stack_guard - (MICRO_V7M ? (1u << ZONE_LOG2) : 0u);
    const int overflow = at < bottom || (has_address && address >= zone && address < bottom);
    const int pc_known = !stacking_failed && at >= bottom && at + 32u <= (uintptr_t)__stack_top;

    /* "fault: stack overflow (<exception> <bits> at <address>, PC <pc>) stack size=<n>" or
     * "fault: <exception> (<bits> at <address>, PC <pc>)" */
    micro_put(overflow ? "\nfault: stack overflow (" : "\nfault: ");
    micro_put(exception_name(ipsr));
    if (overflow) {
        items = 1u;
    } else {
        micro_put(" (");
    }
#if MICRO_V7M
    const char *name = cfsr_names;
    for (uint32_t bit = 0; *name != '\0'; ++bit) {
        uint32_t size = 0;
        while (name[size] != ';') {
            ++size;
        }
        if ((cfsr >> bit) & 1u && size != 0u) {
            put_item(name, size);
        }
        name += size + 1u;
    }
    const uint32_t hfsr = ipsr == 3u ? SCB_HFSR : 0u;
    if (hfsr & (1u << 30)) {
        put_item("FORCED", 6u);
    }
#endif
    if (has_address) {
        put_item("at", 2u);
        micro_put(" ");
        put_hex(address);
    }
    micro_put(items != 0u ? ", PC " : "PC ");
    if (pc_known) {
        put_hex(frame[6]);
    } else {
        micro_put("not stacked");
    }
    if (overflow) {
        micro_put_field(") stack size=", micro_port_stack_size());
        micro_put("\n");
        micro_port_exit(MICRO_EXIT_STACK_OVERFLOW);
    }
    micro_put(")\n");
    micro_port_exit(MICRO_EXIT_FAULT);
}

/* Every fault vector: SP to the top of the fault stack before anything is pushed (the
 * stack that faulted may have no room), then report with r0 = the stacked frame, r1 =
 * EXC_RETURN. Thumb-1 instructions only, so Cortex-M0+ takes it too. */
__attribute__((naked, noreturn)) void micro_fault_entry(void)
{
    __asm__ volatile(
        "mov r0, sp\n\t"
        "ldr r1, =micro_fault_stack + " STR(FAULT_STACK_BYTES) "\n\t"
        "mov sp, r1\n\t"
        "mov r1, lr\n\t"
        "bl micro_fault_report\n\t"
        ".ltorg");
}

/* Any other exception (startup enables no interrupt): report its number and exit. It runs
 * on the current stack, which did not overflow (that would have been a fault). */
__attribute__((noreturn)) void micro_default_handler(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    micro_put_field("\nfault: unexpected exception ", ipsr & 0x1FFu);
    micro_put("\n");
    micro_port_exit(MICRO_EXIT_UNEXPECTED);
}
