"""Params: every profile builds, bad values name their key, dvc.yaml keys exist."""

import pytest
import yaml

from nnrg.core.cli import profile_names, render_profile
from nnrg.core.params import Params, ParamsError, flatten, from_dict, to_dict
from tests.conftest import ROOT


def test_defaults_validate():
    assert from_dict(to_dict(Params())) == Params()


@pytest.mark.parametrize("profile", profile_names(ROOT))
def test_every_profile_renders_and_validates(profile, repo_root):
    tree = yaml.safe_load(render_profile(profile, repo_root))
    assert from_dict(tree).pipeline.profile == profile


def test_unknown_key_is_named():
    with pytest.raises(ParamsError, match="ising_wide.n_betaz"):
        from_dict({"ising_wide": {"n_betaz": 3}})


def test_unknown_section_is_named():
    with pytest.raises(ParamsError, match="'bogus'"):
        from_dict({"bogus": {}})


def test_out_of_range_value_names_key_and_range():
    with pytest.raises(ParamsError, match=r"ising_critical.test_fraction must be in \(0.0, 1.0\)"):
        from_dict({"ising_critical": {"test_fraction": 1.5}})


def test_wrong_type_is_named():
    with pytest.raises(ParamsError, match="ising_chain.n_spins must be an integer"):
        from_dict({"ising_chain": {"n_spins": 8.5}})


def test_cross_field_rule_is_named():
    with pytest.raises(ParamsError, match="ising_wide.beta_min"):
        from_dict({"ising_wide": {"beta_min": 0.7, "beta_max": 0.6}})


def test_profile_overlay_with_unknown_key_fails():
    from nnrg.core.params import deep_merge

    with pytest.raises(ParamsError, match="sampler.nope"):
        deep_merge(to_dict(Params()), {"sampler": {"nope": 1}})


def test_every_dvc_param_key_exists(repo_root):
    stages = yaml.safe_load((repo_root / "dvc.yaml").read_text())["stages"]
    tree = to_dict(Params())
    leaves = set(flatten(tree))
    known = {".".join(k.split(".")[:n]) for k in leaves for n in range(1, k.count(".") + 2)}
    for name, spec in stages.items():
        for key in spec.get("params", []):
            assert key in known, f"stage {name}: param {key} not in params.yaml"


def test_committed_params_yaml_is_a_valid_profile(repo_root):
    tree = yaml.safe_load((repo_root / "params.yaml").read_text())
    params = from_dict(tree)
    assert tree == yaml.safe_load(render_profile(params.pipeline.profile, repo_root)), (
        "params.yaml differs from its profile; run `python -m nnrg profile "
        f"{params.pipeline.profile}` or commit the change to the profile"
    )
