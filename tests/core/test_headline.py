"""Headline metrics (nnrg.core.headline) and the records' significant digits (nnrg.core.io)."""

from __future__ import annotations

import json
import math

import pytest

from nnrg.core import registry
from nnrg.core.headline import headline, value_at
from nnrg.core.io import SIGNIFICANT_DIGITS, significant
from nnrg.core.paths import METRICS, RECORDS

SPECS = registry.specs()


@pytest.mark.parametrize("stage", list(SPECS))
def test_every_stage_declares_distinct_headline_keys(stage):
    keys = SPECS[stage].headline
    assert keys and len(set(keys)) == len(keys), (stage, keys)


@pytest.mark.parametrize("stage", list(SPECS))
def test_every_headline_key_is_a_number_in_the_committed_record(repo_root, stage):
    record = json.loads((repo_root / RECORDS / f"{stage}.json").read_text())
    for key in SPECS[stage].headline:
        value = value_at(record, key)
        assert isinstance(value, int | float) and math.isfinite(value), (stage, key, value)


@pytest.mark.parametrize("stage", list(SPECS))
def test_committed_metrics_files_are_the_records_headline_scalars(repo_root, stage):
    record = json.loads((repo_root / RECORDS / f"{stage}.json").read_text())
    shown = json.loads((repo_root / METRICS / f"{stage}.json").read_text())
    assert shown == headline(SPECS[stage].headline, record)
    assert all(isinstance(v, int | float) and not isinstance(v, bool) for v in shown.values())


def test_no_metrics_file_without_a_stage(repo_root):
    assert {p.stem for p in (repo_root / METRICS).glob("*.json")} <= set(SPECS)


def test_headline_leaves_out_missing_and_non_finite_values_and_writes_bools_as_ints():
    keys = SPECS["ae_models"].headline
    assert keys == ("models.model1.validation", "model2_over_model1", "ordering_holds")
    got = headline(keys, {"models": {"model1": {"validation": None}},
                          "model2_over_model1": 2.5, "ordering_holds": True})  # fmt: skip
    assert got == {"model2_over_model1": 2.5, "ordering_holds": 1}
    assert headline(("x", "y.z"), {"x": float("nan"), "y": {"z": float("inf")}}) == {}


def test_significant_rounds_floats_only_and_keeps_shapes():
    import numpy as np

    arr = np.array([[1.23456789e-7, -9.87654321e3], [np.nan, 0.0]])
    out = significant(arr)
    assert out.shape == arr.shape and np.isnan(out[1, 0])
    assert out[0, 0] == 1.23457e-7 and out[0, 1] == -9876.54
    assert significant({"n": 3, "ok": True, "s": "x"}) == {"n": 3, "ok": True, "s": "x"}
    assert significant(1 / 3, 3) == 0.333


def test_committed_records_carry_no_more_than_the_stated_digits(repo_root):
    def floats(tree):
        if isinstance(tree, dict):
            for v in tree.values():
                yield from floats(v)
        elif isinstance(tree, list):
            for v in tree:
                yield from floats(v)
        elif isinstance(tree, float):
            yield tree

    for path in sorted((repo_root / RECORDS).glob("*.json")):
        values = list(floats(json.loads(path.read_text())))
        assert all(significant(v) == v for v in values), path.name
    assert SIGNIFICANT_DIGITS == 6  # the README states this number


def test_figures_draw_rounded_data(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nnrg.core.io import round_drawn_data

    x = np.linspace(0.1, 1.0, 50) + 1e-13
    fig, axes = plt.subplots(1, 2)
    line = axes[0].plot(x, np.sin(x))[0]
    dots = axes[0].scatter(x, x, c=x)
    band = axes[0].fill_between(x, x, x + 1)
    image = axes[1].imshow(np.outer(x, x))
    bars = axes[1].bar([0, 1], [1 / 3, 2 / 3])
    round_drawn_data(fig)
    assert np.array_equal(line.get_xdata(), significant(x))
    assert np.array_equal(dots.get_offsets()[:, 0], significant(x))
    assert np.array_equal(np.asarray(dots.get_array()), significant(x))
    assert all(np.array_equal(p.vertices, significant(p.vertices)) for p in band.get_paths())
    assert np.array_equal(image.get_array(), significant(np.outer(x, x)))
    assert bars.patches[0].get_height() == 0.333333
    plt.close(fig)
