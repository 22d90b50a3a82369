"""Every stage, in process, in pipeline order, against a temporary result set with params even
smaller than the tiny profile: a stage error shows here in seconds, with its traceback, before
the tiny pipeline runs the same stages through DVC.

The temporary directory is a result set of its own (``dvc.yaml`` and ``params.yaml`` at its
root, outs relative to it), which is also how a second result set runs: every stage reads its
params and writes its outs under the directory it runs in (:func:`nnrg.stages.io.repo_root`).
"""

from __future__ import annotations

import importlib
import json
import shutil

import pytest
import yaml

from nnrg.cli import render_profile
from nnrg.headline import headline
from nnrg.stages import STAGES
from tests.conftest import ROOT

# Overrides of the tiny profile: the fewest samples and epochs that still exercise each path.
SMOKE = {
    "hnn_dense": {"training": {"oscillator": {"epochs": 20}, "henon_heiles": {"epochs": 20}}},
    "imp_layers": {"iterations": [2, 1], "training": {"epochs": 5}},
    "imp_global": {
        "iterations": 3,
        "training": {"oscillator": {"epochs": 5}, "henon_heiles": {"epochs": 5}},
    },
    "nnqft_width": {"widths": [2, 10], "n_bags": 3, "n_nets": 500},
    "nnqft_sigma": {"s_w_values": [1.0, 2.0, 5.0], "n_bags": 3, "n_nets": 500},
    "beta_regressor": {"training": {"epochs": 1}},
    "ae_models": {"training": {"epochs": 1}},
    "ae_wide": {"training": {"epochs": 1}},
    "rbm_classifiers": {"training": {"epochs": 1}, "mnist_training": {"epochs": 1}},
    "rbm_ising": {"flow_steps": 2, "n_start": 5, "training": {"epochs": 1, "min_updates": 10}},
    "rbm_mnist": {"flow_steps": 2, "n_start": 3, "training": {"epochs": 1, "min_updates": 10}},
}


def overlay(tree: dict, changes: dict) -> dict:
    for key, value in changes.items():
        if isinstance(value, dict):
            overlay(tree[key], value)
        else:
            tree[key] = value
    return tree


@pytest.fixture(scope="module")
def result_set(tmp_path_factory):
    root = tmp_path_factory.mktemp("smoke")
    shutil.copy(ROOT / "dvc.yaml", root / "dvc.yaml")
    (root / "reports").mkdir()
    shutil.copy(ROOT / "reports" / "claims.yaml", root / "reports" / "claims.yaml")
    tree = overlay(yaml.safe_load(render_profile("tiny", ROOT)), SMOKE)
    (root / "params.yaml").write_text(yaml.safe_dump(tree, sort_keys=False))
    return root


@pytest.mark.parametrize("name", STAGES)
def test_stage_runs_in_process(name, result_set, monkeypatch):
    monkeypatch.chdir(result_set)
    monkeypatch.setenv("NNRG_TRACKING", "off")
    monkeypatch.setenv("NNRG_QUIET", "1")
    importlib.import_module(f"nnrg.stages.{name}").main()
    record = json.loads((result_set / "reports" / "records" / f"{name}.json").read_text())
    assert record["ran_with"], f"{name} recorded no conditions"
    shown = json.loads((result_set / "reports" / "metrics" / f"{name}.json").read_text())
    assert shown == headline(name, record), f"{name}: metrics are not the record's headline"
    committed = ROOT / "reports" / "records" / f"{name}.json"
    assert not committed.exists() or not committed.samefile(
        result_set / "reports" / "records" / f"{name}.json"
    )  # it wrote into the temporary result set, not the repository
