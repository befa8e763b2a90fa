"""The QUANTIZE int16 -> int8 DSP twin with the real DSP instructions (SXTAH, SMMLAR, QADD,
SSAT, BFI) against its reference kernel on the emulated boards: test_dsp_requantize's
random cases (fast rule and fallbacks), and each fast case's quantization again over all
65,536 int16 inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_dsp_requantize as cases
from test_dsp_board import c_array, c_params, run_cases

PER_KIND = 24

MAIN = r"""
#include <stdint.h>
#include <string.h>

#include "micro/micro.h"
#include "micro_port.h"
#include "cases.h"

static int16_t every[65536];
/* The largest output: 65,536 bytes, or 200 int32 elements; 4 more to see none is written
 * past its end. */
static int8_t out_ref[65536 + 4] __attribute__((aligned(4)));
static int8_t out_dsp[65536 + 4] __attribute__((aligned(4)));

static int run(const micro_requantize_int_params_t *p, const void *input)
{
    const size_t bytes = (size_t)p->count * (size_t)(p->output_bits / 8);
    memset(out_ref, 0x55, sizeof out_ref);
    memset(out_dsp, 0x2a, sizeof out_dsp);
    micro_requantize_int(p, input, out_ref);
    micro_requantize_int_dsp(p, input, out_dsp);
    const int8_t fill[4] = {0x2a, 0x2a, 0x2a, 0x2a};
    return memcmp(out_ref, out_dsp, bytes) == 0 && memcmp(out_dsp + bytes, fill, 4) == 0;
}

int main(void)
{
    int bad = 0;
    for (int32_t i = 0; i < 65536; ++i) {
        every[i] = (int16_t)(i - 32768);
    }
    for (uint32_t i = 0; i < N_REQUANT; ++i) {
        const requant_case_t *c = &requant_cases[i];
        bad += !run(c->p, c->input);
        if (c->p->input_bits == 16 && c->p->output_bits == 8) {
            micro_requantize_int_params_t all = *c->p;
            all.count = 65536;
            bad += !run(&all, every);
        }
    }
    micro_port_write(bad == 0 ? "requantize cases all equal\n" : "requantize cases differ\n",
                     bad == 0 ? 27 : 24);
    return bad != 0;
}
"""


def cases_header() -> str:
    lines = ["#include <stdint.h>", '#include "micro/kernels/requantize_int_dsp.h"']
    rows = []
    for kind, make in enumerate([cases.fast_case, cases.fallback_case]):
        for seed in range(PER_KIND):
            params, (data, _) = make(3000 + seed)
            tag = f"rq{kind}_{seed}"
            lines.append(c_params(f"{tag}_p", "micro_requantize_int_params_t", params[0]))
            lines.append(c_array(f"{tag}_in", data))
            rows.append(f"    {{&{tag}_p, {tag}_in}},")
    lines.append(
        "typedef struct { const micro_requantize_int_params_t *p; const void *input; } "
        "requant_case_t;"
    )
    lines += ["static const requant_case_t requant_cases[] = {", *rows, "};"]
    lines.append(f"#define N_REQUANT {len(rows)}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "board", ["mps2-an386", pytest.param("mps2-an500", marks=pytest.mark.slow)]
)
def test_requantize_twin_equals_reference_on_board(
    board: str, toolchain: None, tmp_path: Path
) -> None:
    run, disassembly = run_cases(MAIN, cases_header(), board, tmp_path)
    assert "requantize cases all equal" in run.log and run.status == 0, run.log
    # The fast path ran as DSP code.
    lines = disassembly.splitlines()
    for instruction in ("sxtah", "smmlar", "qadd", "bfi"):
        assert any(f"\t{instruction}\t" in line for line in lines), instruction
