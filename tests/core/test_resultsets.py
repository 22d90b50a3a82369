"""Result sets: each results/<name>/ is what its profile generates, and runs the root stages."""

from __future__ import annotations

import yaml

from nnrg.core import registry, resultsets
from nnrg.core.cli import render_profile
from nnrg.core.io import dump_yaml, load_yaml
from nnrg.core.params import from_dict


def test_every_result_set_is_up_to_date_with_its_profile(repo_root):
    names = resultsets.discover(repo_root)
    assert "paper_budget" in names
    root_dvc = load_yaml(repo_root / "dvc.yaml")
    for name in names:
        block, _ = resultsets.split_overlay(load_yaml(repo_root / "profiles" / f"{name}.yaml"))
        want = resultsets.set_dvc_yaml(root_dvc, list(block["stages"]), name)
        have = load_yaml(resultsets.set_dir(repo_root, name) / "dvc.yaml")
        assert have == want, f"run `python -m nnrg resultset {name}`"
        params = (resultsets.set_dir(repo_root, name) / "params.yaml").read_text()
        assert params == render_profile(name, repo_root), f"run `python -m nnrg resultset {name}`"
        sections = registry.all_sections()
        assert from_dict(yaml.safe_load(params), sections).pipeline.profile == name


def test_a_set_runs_root_stages_with_code_two_levels_up():
    root_dvc = {"stages": {"a": {"cmd": "python -m nnrg a", "deps": ["src/nnrg/a.py", "data/x"],
                                 "outs": ["data/y"]}}}  # fmt: skip
    spec = resultsets.set_dvc_yaml(root_dvc, ["a"], "demo")["stages"]["a"]
    assert spec["deps"] == ["../../src/nnrg/a.py", "data/x"] and spec["outs"] == ["data/y"]
    try:
        resultsets.set_dvc_yaml(root_dvc, ["b"], "demo")
    except ValueError as err:
        assert "profiles/demo.yaml" in str(err) and "'b'" in str(err)
    else:
        raise AssertionError("an unknown stage must be an error")


def test_the_result_set_block_is_not_a_param():
    block, rest = resultsets.split_overlay({"result_set": {"stages": ["a"]}, "x": {"y": 1}})
    assert block == {"stages": ["a"]} and rest == {"x": {"y": 1}}
    assert "result_set" not in dump_yaml(rest)
