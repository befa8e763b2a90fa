"""The pooling DSP twins (AVERAGE_POOL_2D's SXTAB16 sums and one-multiply averages,
MAX_POOL_2D's SSUB8 + SEL) with the real DSP instructions against their reference kernels
on the emulated boards: test_dsp_pool's cases (windows of 1 to over 256 taps, global pools,
paddings, strides, batches, clamps, data at the int16 sums' limits)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_dsp_board import c_array, c_params, run_cases
from test_dsp_pool import pool_case

CASES = 60

MAIN = r"""
#include <stdint.h>
#include <string.h>

#include "micro/micro.h"
#include "micro_port.h"
#include "cases.h"

static int8_t out_ref[MAX_OUT];
static int8_t out_dsp[MAX_OUT];

int main(void)
{
    int bad = 0;
    for (uint32_t i = 0; i < N_POOL; ++i) {
        const pool_case_t *c = &pool_cases[i];
        memset(out_ref, 0x55, c->n_out);
        memset(out_dsp, 0x2a, c->n_out);
        micro_average_pool_s8(c->p, c->input, out_ref);
        micro_average_pool_s8_dsp(c->p, c->input, out_dsp);
        bad += memcmp(out_ref, out_dsp, c->n_out) != 0;
        memset(out_ref, 0x55, c->n_out);
        memset(out_dsp, 0x2a, c->n_out);
        micro_max_pool_s8(c->p, c->input, out_ref);
        micro_max_pool_s8_dsp(c->p, c->input, out_dsp);
        bad += memcmp(out_ref, out_dsp, c->n_out) != 0;
    }
    micro_port_write(bad == 0 ? "pool cases all equal\n" : "pool cases differ\n",
                     bad == 0 ? 21 : 18);
    return bad != 0;
}
"""


def cases_header() -> str:
    lines = [
        "#include <stdint.h>",
        '#include "micro/kernels/average_pool_s8_dsp.h"',
        '#include "micro/kernels/max_pool_s8_dsp.h"',
    ]
    rows = []
    max_out = 1
    for seed in range(CASES):
        params, (image, out) = pool_case(seed)
        lines.append(c_params(f"pool{seed}_p", "micro_pool_s8_params_t", params))
        lines.append(c_array(f"pool{seed}_input", image))
        rows.append(f"    {{&pool{seed}_p, pool{seed}_input, {out.nbytes}u}},")
        max_out = max(max_out, out.nbytes)
    lines.append(
        "typedef struct { const micro_pool_s8_params_t *p; const int8_t *input; "
        "uint32_t n_out; } pool_case_t;"
    )
    lines += ["static const pool_case_t pool_cases[] = {", *rows, "};"]
    lines.append(f"#define N_POOL {len(rows)}\n#define MAX_OUT {max_out}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "board", ["mps2-an386", pytest.param("mps2-an500", marks=pytest.mark.slow)]
)
def test_pool_twins_equal_reference_on_board(board: str, toolchain: None, tmp_path: Path) -> None:
    run, disassembly = run_cases(MAIN, cases_header(), board, tmp_path)
    assert "pool cases all equal" in run.log and run.status == 0, run.log
    # The twins ran as DSP code: the sums' SXTAB16, the clamp's UQSUB8, the maxima's SEL.
    for instruction in ("sxtab16", "uqsub8", "sel"):
        assert f"\t{instruction}\t" in disassembly, instruction
