"""The DSP twins of TRANSPOSE_CONV int8, BATCH_MATMUL int8 and the int16x8 convolution with
the real DSP instructions (SMLAD, SXTB16, SSUB16, PKHBT, ...) against their reference
kernels on the emulated M4F and M7: one firmware runs both on random cases
(test_dsp_twins' generators, which the host checks in portable C) and compares the bytes
on the board."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import test_dsp_twins as cases
from models import twins_model
from test_dsp_board import c_array, run_cases
from test_parity import assert_board_matches_host

from micro._ffi import ffi

PER_KERNEL = 40


MAIN = r"""
#include <stdint.h>
#include <string.h>

#include "micro/micro.h"
#include "micro_port.h"
#include "cases.h"

static int64_t out_ref[MAX_OUT / 8 + 1];
static int64_t out_dsp[MAX_OUT / 8 + 1];

static void say(const char *text)
{
    micro_port_write(text, (uint32_t)strlen(text));
}

static micro_status_t run(int dsp, const twin_case_t *c, void *out)
{
    switch (c->kind) {
    case 0:
        return (dsp ? micro_transpose_conv_dsp : micro_transpose_conv)(
            c->p, c->op[0], c->op[1], c->op[2], c->op[3], c->op[4], out);
    case 1:
        return (dsp ? micro_batch_matmul_dsp : micro_batch_matmul)(c->p, c->op[0], c->op[1],
                                                                   c->op[2], out);
    default:
        return (dsp ? micro_conv_s16_dsp : micro_conv_s16)(c->p, c->op[0], c->op[1], c->op[2],
                                                           c->op[3], c->op[4], out);
    }
}

int main(void)
{
    int bad = 0;
    for (uint32_t i = 0; i < N_CASES; ++i) {
        const twin_case_t *c = &twin_cases[i];
        memset(out_ref, 0x55, c->n_out);
        memset(out_dsp, 0x2a, c->n_out);
        if (run(0, c, out_ref) != MICRO_OK || run(1, c, out_dsp) != MICRO_OK ||
            memcmp(out_ref, out_dsp, c->n_out) != 0) {
            char line[32] = "mismatch case ";
            char digits[12];
            uint32_t k = sizeof digits - 1, n = i;
            digits[k] = '\0';
            do {
                digits[--k] = (char)('0' + n % 10);
                n /= 10;
            } while (n != 0);
            strcat(line, digits + k);
            strcat(line, "\n");
            say(line);
            bad = 1;
        }
    }
    say(bad == 0 ? "twin cases all equal\n" : "twin cases differ\n");
    return bad;
}
"""

KERNELS = [
    ("transpose_conv", cases.transpose_conv_case),
    ("batch_matmul", cases.batch_matmul_case),
    ("conv_s16", cases.conv_s16_case),
]


def c_init(value: Any) -> str:
    """A C initializer of a cffi struct (nested structs included)."""
    fields = [f for f, _ in ffi.typeof(value).fields]
    parts = []
    for f in fields:
        v = getattr(value, f)
        parts.append(f".{f} = " + (c_init(v) if isinstance(v, ffi.CData) else str(int(v))))
    return "{" + ", ".join(parts) + "}"


def cases_header() -> str:
    lines = ["#include <stdint.h>", '#include "micro/micro.h"'] + [
        f'#include "micro/kernels/{name}_dsp.h"' for name, _ in KERNELS
    ]
    table, max_out = [], 1
    for kind, (name, make) in enumerate(KERNELS):
        for seed in range(PER_KERNEL):
            params, ops = make(2000 + seed)
            tag = f"{name}{seed}"
            ctype = ffi.typeof(params).item.cname
            lines.append(f"static const {ctype} {tag}_p = {c_init(params[0])};")
            refs = []
            for j, a in enumerate(ops[:-1]):
                if a.nbytes:
                    lines.append(c_array(f"{tag}_{j}", a))
                    refs.append(f"{tag}_{j}")
                else:
                    refs.append("NULL")
            refs += ["NULL"] * (5 - len(refs))
            max_out = max(max_out, ops[-1].nbytes)
            table.append(f"    {{{kind}, &{tag}_p, {{{', '.join(refs)}}}, {ops[-1].nbytes}u}},")
    lines.append(f"#define MAX_OUT {max_out}")
    lines.append(
        "typedef struct { int kind; const void *p; const void *op[5]; uint32_t n_out; } "
        "twin_case_t;"
    )
    lines += ["static const twin_case_t twin_cases[] = {", *table, "};"]
    lines.append(f"#define N_CASES {len(table)}u")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "board", ["mps2-an386", pytest.param("mps2-an500", marks=pytest.mark.slow)]
)
def test_dsp_twins_equal_reference_on_board(board: str, toolchain: None, tmp_path: Path) -> None:
    run, disassembly = run_cases(MAIN, cases_header(), board, tmp_path)
    assert "twin cases all equal" in run.log and run.status == 0, run.log
    # The twins ran with the DSP instructions: they are in the image.
    for instruction in ("smlad", "sxtb16", "sxtab16", "pkhbt", "pkhtb", "smlatb"):
        assert f"\t{instruction}" in disassembly, instruction


@pytest.mark.slow
@pytest.mark.parametrize("board", ["mps2-an386", "mps2-an500"])
def test_twins_model_matches_host(board: str, toolchain: None, tmp_path: Path) -> None:
    """Layers of real sizes (twins_model) run by the twins on the board give the host's
    bytes (the host runs the reference kernels, and matches TFLM: test_dsp_twins)."""
    assert_board_matches_host(twins_model(0), board, tmp_path)
