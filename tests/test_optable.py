"""The operator table (micro/optable.py): generated from the registry, complete against
TFLM's list, and the README shows exactly what `micro ops --markdown` prints."""

from __future__ import annotations

import re
from pathlib import Path

from micro import optable, resolver
from micro.cli import main
from micro.schema import BuiltinOperator

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_table_is_generated() -> None:
    text = README.read_text()
    m = re.search(r"<!-- ops-table:begin -->\n(.*?)<!-- ops-table:end -->", text, re.S)
    assert m, "README has no ops-table markers"
    assert m.group(1) == optable.markdown(), "README table is stale: run `micro ops --markdown`"


def test_every_tflm_op_is_run_or_has_a_reason() -> None:
    missing = optable.missing()  # a KeyError here names an op without a reason
    run = {r.name for r in optable.rows()}
    assert not set(optable.NOT_SUPPORTED) & run, "a reason is listed for an op micro runs"
    assert set(optable.NOT_SUPPORTED) <= set(optable.TFLM_BUILTINS + optable.TFLM_CUSTOM)
    assert all(reason for reason in missing.values())
    for name in optable.TFLM_BUILTINS:
        BuiltinOperator[name]  # a real builtin name


def test_rows_match_the_registry() -> None:
    rows = optable.rows()
    assert [r.name for r in rows] == sorted(resolver.supported())
    assert all(r.types for r in rows)
    dsp = {r.name for r in rows if r.dsp}
    assert {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"} <= dsp
    assert "RESHAPE" not in dsp


def test_cli_prints_the_table(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["ops"]) == 0
    out = capsys.readouterr().out
    assert "BATCH_MATMUL" in out and "not run by micro" in out
    assert main(["ops", "--markdown"]) == 0
    assert capsys.readouterr().out == optable.markdown()


def test_types_not_run_are_not_declared() -> None:
    """A type listed as not run is no type the operator's prepare declares (the list goes
    stale when one lands), and each entry names an operator micro runs."""
    declared = {
        r.name: {t.strip() for t in r.types.replace(";", ",").split(",")} for r in optable.rows()
    }
    for name, t, why in optable.missing_types():
        assert name in declared, f"{name} is not run by micro: list it in NOT_SUPPORTED"
        assert t not in declared[name], f"{name} declares {t}, yet TYPES_NOT_RUN lists it"
        assert why
