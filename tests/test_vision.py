"""micro classify on the host (micro/vision): pictures converted to a model's input checked
against independent arithmetic (the pixel conventions image models use, box averages,
ITU-R 601 luma), labels, errors as one line, and TFLM's person_detect on TFLM's own two
test pictures (its test expects 'person' on one and 'no person' on the other)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from support.reference import reference_path

from micro import MicroError, cli
from micro.vision import image
from micro.vision.classify import Classifier, read_labels

PIL = pytest.importorskip("PIL.Image")

PERSON = "tflm/person_detection"


def details(dtype: type, scale: float, zero_point: int, shape=(1, 8, 8, 1)) -> dict:
    return {"name": "in", "shape": np.array(shape), "dtype": dtype, "scale": scale,
            "zero_point": zero_point}  # fmt: skip


@pytest.mark.parametrize(
    ("scale", "zero_point", "low", "high"),
    [
        (1 / 127.5, -1, -1.0, 1.0),  # TFLM person_detect
        (1 / 255, -128, 0.0, 1.0),  # MLPerf Tiny vww
        (1.0, -128, 0.0, 255.0),  # MLPerf Tiny ic
    ],
)
def test_int8_conventions_give_pixel_minus_128(scale, zero_point, low, high) -> None:
    """Each convention the models use maps pixel p to int8 p - 128, as TFLM's camera code."""
    fmt = image.input_format(details(np.int8, scale, zero_point))
    assert fmt.low == pytest.approx(low, abs=2 * scale)
    assert fmt.high == pytest.approx(high, abs=2 * scale)
    np.testing.assert_array_equal(fmt.table().astype(int), np.arange(256) - 128)


def test_uint8_and_float_tables() -> None:
    fmt = image.input_format(details(np.uint8, 1 / 255, 0))
    np.testing.assert_array_equal(fmt.table(), np.arange(256))
    fmt = image.input_format(details(np.float32, 0.0, 0), value_range=(-1.0, 1.0))
    np.testing.assert_allclose(fmt.table(), np.arange(256) / 127.5 - 1, rtol=0, atol=1e-6)
    # an explicit range on an int8 input: real = p / 255 * 2, scale 1/64 -> round(p * 128 / 255)
    fmt = image.input_format(details(np.int8, 1 / 64, -128), value_range=(0.0, 2.0))
    expected = np.minimum(np.floor(np.arange(256) * 128 / 255 + 0.5) - 128, 127)
    np.testing.assert_array_equal(fmt.table().astype(int), expected)


@pytest.mark.parametrize(
    ("d", "message"),
    [
        (details(np.int8, 0.05, 0), "give the range"),
        (details(np.int8, 1 / 255, 0), "give the range"),  # [-0.5, 0.5]: no convention
        (details(np.float32, 0.0, 0), "--input-range"),
        (details(np.int8, 1 / 255, -128, shape=(1, 8, 8, 2)), "[1, height, width, 1 or 3]"),
        (details(np.int16, 1 / 255, 0), "int8, uint8"),
    ],
)
def test_formats_that_cannot_be_inferred(d: dict, message: str) -> None:
    with pytest.raises(image.ImageError, match=message.replace("[", r"\[").replace("]", r"\]")):
        image.input_format(d)


def test_shrinking_is_a_box_average() -> None:
    """A 2x smaller picture is the mean of each 2x2 block (blocks whose sums divide by 4)."""
    rng = np.random.default_rng(0)
    base = rng.integers(1, 63, (8, 8)) * 4  # 4..248: no value leaves 0..255
    delta = rng.integers(-3, 4, (8, 8))
    big = np.zeros((16, 16), np.int64)
    big[0::2, 0::2], big[0::2, 1::2] = base + delta, base - delta
    big[1::2, 0::2], big[1::2, 1::2] = base + 2, base - 2
    picture = PIL.fromarray(big.astype(np.uint8), "L")
    expected = big.reshape(8, 2, 8, 2).mean(axis=(1, 3))
    np.testing.assert_array_equal(image.fit(picture, 8, 8, 1)[..., 0], expected)


def test_wide_picture_is_centre_cropped() -> None:
    """A 24 x 8 picture for an 8 x 8 input keeps columns 8..15 (here: constant blocks)."""
    columns = np.repeat(np.array([10, 200, 50], np.uint8), 8)
    picture = PIL.fromarray(np.tile(columns, (8, 1)), "L")
    np.testing.assert_array_equal(image.fit(picture, 8, 8, 1), np.full((8, 8, 1), 200))


def test_rgb_to_luma_is_itu_601(tmp_path: Path) -> None:
    colours = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255], [40, 120, 200]], np.uint8)
    rgb = np.repeat(np.repeat(colours[None], 4, axis=0), 2, axis=1)  # 4 x 8, 2-wide bars
    path = tmp_path / "bars.png"
    PIL.fromarray(rgb, "RGB").save(path)
    fmt = image.input_format(details(np.int8, 1 / 255, -128, shape=(1, 4, 8, 1)))
    luma = image.load_pixels(path, fmt)[0, ::2, 0].astype(float)
    expected = colours @ np.array([0.299, 0.587, 0.114])
    assert np.max(np.abs(luma - expected)) <= 1.0  # integer rounding of the weights


def test_signed_pixels_flip_the_top_bit(tmp_path: Path) -> None:
    stored = np.arange(64, dtype=np.uint8).reshape(8, 8) * 4
    path = tmp_path / "s.bmp"
    PIL.fromarray(stored, "L").save(path)
    fmt = image.input_format(details(np.int8, 1 / 255, -128))
    x = image.load_input(path, fmt, signed=True)
    np.testing.assert_array_equal(x.reshape(8, 8), stored.view(np.int8))


def test_labels(tmp_path: Path) -> None:
    assert read_labels("a, b", 2) == ["a", "b"]
    assert read_labels(None, 2) == ["class 0", "class 1"]
    path = tmp_path / "labels.txt"
    path.write_text("cat\n\ndog\n")
    assert read_labels(str(path), 2) == ["cat", "dog"]
    with pytest.raises(image.ImageError, match="2 scores; 3 labels"):
        read_labels("a,b,c", 2)


def test_person_detect_on_tflm_pictures() -> None:
    model = reference_path(f"{PERSON}/person_detect.tflite")
    c = Classifier(model, "no_person,person", signed=True)
    for name in ("person", "no_person"):
        scores = c.classify(reference_path(f"{PERSON}/testdata/{name}.bmp"))
        assert scores[0].label == name
        assert sum(s.score for s in scores) == pytest.approx(1.0, abs=0.01)


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = reference_path(f"{PERSON}/person_detect.tflite")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a picture at all")
    assert cli.main(["classify", str(bad), "--model", str(model)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not a picture" in err and err.count("\n") == 1
    assert cli.main(["classify", str(bad), "--model", str(model), "--labels", "a,b,c"]) == 1
    assert "3 labels" in capsys.readouterr().err


def test_missing_pillow_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "PIL.Image", None)  # import fails as if not installed
    fmt = image.input_format(details(np.int8, 1 / 255, -128))
    with pytest.raises(MicroError, match=r"pip install 'micro\[image\]'"):
        image.load_pixels("x.png", fmt)


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    model = reference_path(f"{PERSON}/person_detect.tflite")
    picture = reference_path(f"{PERSON}/testdata/person.bmp")
    args = ["classify", str(picture), "--model", str(model), "--labels", "no_person,person"]
    assert cli.main([*args, "--signed-pixels", "--json", "--top", "1"]) == 0
    (result,) = json.loads(capsys.readouterr().out)
    assert result["top"][0]["label"] == "person" and len(result["top"]) == 1
