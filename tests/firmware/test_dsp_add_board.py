"""The int8 ADD/SUB DSP twin with the real DSP instructions (SSAT, BFI, SMMLAR, SMLAWB,
USAT16, ...) against its reference kernel on the emulated boards: test_add_sums' cases (the
sums tables and the linear form, random layouts and clamps) and test_dsp_kernels' (neither),
each also over all 65,536 byte pairs in a broadcast and a dense layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import test_add_sums as sums
import test_dsp_kernels as cases
from test_dsp_board import c_array, run_cases

PER_KIND = 12

MAIN = r"""
#include <stdint.h>
#include <string.h>

#include "micro/micro.h"
#include "micro_port.h"
#include "cases.h"

static int8_t out_ref[65536];
static int8_t out_dsp[65536];
static int8_t xs[65536], ys[65536];

static int same(uint32_t n)
{
    return memcmp(out_ref, out_dsp, n) == 0;
}

static int run(const micro_add_s8_params_t *p, const int8_t *x, const int8_t *y,
               const add_case_t *c, uint32_t n)
{
    memset(out_ref, 0x55, n);
    memset(out_dsp, 0x2a, n);
    micro_add_s8(p, x, y, c->table1, c->table2, c->sums, out_ref);
    micro_add_s8_dsp(p, x, y, c->table1, c->table2, c->sums, out_dsp);
    return same(n);
}

int main(void)
{
    int bad = 0;
    for (uint32_t i = 0; i < 65536; ++i) {
        xs[i] = (int8_t)(i >> 8);
        ys[i] = (int8_t)i;
    }
    for (uint32_t i = 0; i < N_ADD; ++i) {
        const add_case_t *c = &add_cases[i];
        micro_add_s8_params_t p = *c->p;
        bad += !run(&p, c->input1, c->input2, c, c->n_out);
        memset(&p.broadcast, 0, sizeof p.broadcast);
        p.broadcast.rank = 2;
        p.broadcast.dims[0] = p.broadcast.dims[1] = 256;
        p.broadcast.stride1[0] = p.broadcast.stride2[1] = 1;
        bad += !run(&p, ys, ys, c, 65536); /* ys starts with the 256 bytes */
        memset(&p.broadcast, 0, sizeof p.broadcast);
        p.broadcast.rank = 1;
        p.broadcast.dims[0] = 65536;
        p.broadcast.stride1[0] = p.broadcast.stride2[0] = 1;
        bad += !run(&p, xs, ys, c, 65536);
    }
    micro_port_write(bad == 0 ? "add cases all equal\n" : "add cases differ\n",
                     bad == 0 ? 20 : 17);
    return bad != 0;
}
"""


def c_add_params(name: str, p: Any) -> str:
    b = p.broadcast

    def ints(values: Any) -> str:
        return ", ".join(str(int(v)) for v in values)

    return (
        f"static const micro_add_s8_params_t {name} = {{"
        f".broadcast = {{.rank = {b.rank}, .dims = {{{ints(b.dims)}}}, "
        f".stride1 = {{{ints(b.stride1)}}}, .stride2 = {{{ints(b.stride2)}}}}}, "
        f".output_zp = {p.output_zp}, .output_multiplier = {p.output_multiplier}, "
        f".output_shift = {p.output_shift}, .act_min = {p.act_min}, .act_max = {p.act_max}, "
        f".linear = {p.linear}, .linear_a = {p.linear_a}, .linear_b = {p.linear_b}, "
        f".linear_c = {p.linear_c}}};"
    )


def cases_header() -> str:
    lines = ["#include <stdint.h>", '#include "micro/kernels/add_s8_dsp.h"']
    rows = []
    makers = [
        lambda s: sums.sums_case(s, fast=s % 2 == 0),
        lambda s: cases.add_case(s, s % 2),
        lambda s: sums.linear_case(s, fast=s % 2 == 0),
    ]
    for kind, make in enumerate(makers):
        for seed in range(PER_KIND):
            params, ops = make(2000 + seed)
            tag = f"add{kind}_{seed}"
            lines.append(c_add_params(f"{tag}_p", params))
            names = ["input1", "input2", "table1", "table2", "sums"]
            for name, array in zip(names, ops, strict=False):
                lines.append(c_array(f"{tag}_{name}", array))
            has_sums = ops[sums.SUMS].size > 0
            refs = ", ".join(f"{tag}_{n}" for n in names[:4])
            rows.append(
                f"    {{&{tag}_p, {refs}, {tag + '_sums' if has_sums else 'NULL'}, "
                f"{ops[-1].nbytes}u}},"
            )
    lines.append(
        "typedef struct { const micro_add_s8_params_t *p; const int8_t *input1, *input2; "
        "const int32_t *table1, *table2, *sums; uint32_t n_out; } add_case_t;"
    )
    lines += ["static const add_case_t add_cases[] = {", *rows, "};"]
    lines.append(f"#define N_ADD {len(rows)}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "board", ["mps2-an386", pytest.param("mps2-an500", marks=pytest.mark.slow)]
)
def test_add_twin_equals_reference_on_board(board: str, toolchain: None, tmp_path: Path) -> None:
    run, disassembly = run_cases(MAIN, cases_header(), board, tmp_path)
    assert "add cases all equal" in run.log and run.status == 0, run.log
    # The three paths ran as DSP code: the sums tables' SSAT, the requantization's SMMLAR,
    # the linear form's SMLAWB and USAT16.
    lines = disassembly.splitlines()
    assert any("\tssat\t" in line and "asr #16" in line for line in lines)
    for instruction in ("smmlar", "smlawb", "smlawt", "usat16"):
        assert any(f"\t{instruction}\t" in line for line in lines), instruction
