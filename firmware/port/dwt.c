/* Cycle counter of Cortex-M3/M4/M7: the DWT's CYCCNT, switched on at first use. */
#include "micro_port.h"

#define DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define DEMCR_TRCENA (1u << 24)
#define DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)
#define DWT_LAR (*(volatile uint32_t *)0xE0001FB0u)
#define DWT_CTRL_CYCCNTENA 1u

uint32_t micro_port_cycles(void)
{
    if (!(DWT_CTRL & DWT_CTRL_CYCCNTENA)) {
        DEMCR |= DEMCR_TRCENA;
        DWT_LAR = 0xC5ACCE55u; /* Cortex-M7 keeps the DWT locked; elsewhere it is ignored */
        DWT_CYCCNT = 0;
        DWT_CTRL |= DWT_CTRL_CYCCNTENA;
    }
    return DWT_CYCCNT;
}

int micro_port_has_cycles(void)
{
    return 1;
}
