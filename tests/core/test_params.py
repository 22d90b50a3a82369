"""Params: every profile builds, bad values name their key (range and type checks of
``nnrg.core.params``, cross-field ``check`` methods of each section), dvc.yaml keys exist, and
``python -m nnrg params`` validates every section."""

import pytest
import yaml

from nnrg.core import registry
from nnrg.core.cli import main, profile_names, render_profile
from nnrg.core.params import (
    ParamsError,
    build,
    deep_merge,
    flatten,
    from_dict,
    params_type,
    to_dict,
)
from tests.conftest import ROOT

SECTIONS = registry.all_sections()
Params = params_type(SECTIONS)


def test_every_stage_section_and_the_shared_ones_are_params_sections():
    assert list(SECTIONS)[0] == "pipeline"
    for name, spec in registry.specs().items():
        assert SECTIONS[name] is spec.params
        assert all(SECTIONS[used] is cls for used, cls in {**spec.uses, **spec.reads}.items())
    assert "sampler" in SECTIONS  # shared by the Ising data stages


def test_defaults_validate():
    built, defaults = from_dict(to_dict(Params()), SECTIONS), Params()
    assert all(getattr(built, name) == getattr(defaults, name) for name in SECTIONS)


@pytest.mark.parametrize("profile", profile_names(ROOT))
def test_every_profile_renders_and_validates(profile, repo_root):
    tree = yaml.safe_load(render_profile(profile, repo_root))
    assert list(tree) == list(SECTIONS)
    assert from_dict(tree, SECTIONS).pipeline.profile == profile


def test_a_stage_builds_its_own_sections_only():
    spec = registry.specs()["ising_wide"]
    params = from_dict({"ising_wide": {"L": 16}, "bogus": {"x": 1}}, spec.sections)
    assert params.ising_wide.L == 16 and params.sampler == SECTIONS["sampler"]()
    assert not hasattr(params, "ae_models")


def test_unknown_key_is_named():
    with pytest.raises(ParamsError, match="ising_wide.n_betaz"):
        from_dict({"ising_wide": {"n_betaz": 3}}, SECTIONS)


def test_unknown_section_is_named():
    with pytest.raises(ParamsError, match="'bogus'"):
        build(Params, {"bogus": {}})


def test_out_of_range_value_names_key_and_range():
    with pytest.raises(ParamsError, match=r"ising_critical.test_fraction must be in \(0.0, 1.0\)"):
        from_dict({"ising_critical": {"test_fraction": 1.5}}, SECTIONS)


def test_wrong_type_is_named():
    with pytest.raises(ParamsError, match="ising_chain.n_spins must be an integer"):
        from_dict({"ising_chain": {"n_spins": 8.5}}, SECTIONS)


def test_cross_field_rule_is_named():
    with pytest.raises(ParamsError, match="ising_wide.beta_min"):
        from_dict({"ising_wide": {"beta_min": 0.7, "beta_max": 0.6}}, SECTIONS)


# every cross-field rule, named by its dotted key (each section's ``check``)
CROSS_FIELD = [
    ({"sampler": {"wolff_beta_min": 0.5, "wolff_beta_max": 0.4}},
     "sampler.wolff_beta_min must be <= sampler.wolff_beta_max"),
    ({"sampler": {"pilot_steps": 100, "max_pilot_steps": 50}},
     "sampler.max_pilot_steps must be >= sampler.pilot_steps"),
    ({"ising_wide": {"beta_min": 0.6, "beta_max": 0.6}},
     "ising_wide.beta_min must be < ising_wide.beta_max"),
    ({"ising_entropy": {"beta_min": 0.7, "beta_max": 0.6}},
     "ising_entropy.beta_min must be < ising_entropy.beta_max"),
    ({"ising_critical": {"L": 30}},
     r"ising_critical.L must be divisible by 4 \(two decimation steps\)"),
    ({"nnqft_width": {"points": [0.1, 0.2]}},
     r"nnqft_width.points must list 6 points \(the paper's point set\)"),
    ({"nnqft_sigma": {"points": [0.1]}},
     r"nnqft_sigma.points must list 6 points \(the paper's point set\)"),
    ({"nnqft_width": {"widths": [10]}}, "nnqft_width.widths must be >= 2 positive integers"),
    ({"nnqft_width": {"widths": [10, 2.5]}}, "nnqft_width.widths must be >= 2 positive integers"),
    ({"nnqft_sigma": {"widths": [0]}}, "nnqft_sigma.widths must be positive integers"),
    ({"nnqft_sigma": {"s_w_values": [1.0]}}, "nnqft_sigma.s_w_values must be >= 2 values > 0"),
    ({"nnqft_sigma": {"s_w_values": [1.0, -1.0]}},
     "nnqft_sigma.s_w_values must be >= 2 values > 0"),
    ({"nnqft_sigma": {"s_b_values": [-0.5]}}, "nnqft_sigma.s_b_values must be >= 0"),
    ({"beta_flow": {"window": [0.5, 0.4]}},
     r"beta_flow.window must be \[low, high\] with 0 < low < high"),
    ({"beta_flow": {"fit_range": [0.3]}},
     r"beta_flow.fit_range must be \[low, high\] with 0 <= low < high"),
    ({"beta_flow": {"degrees": [1, 0]}}, "beta_flow.degrees must be positive integers"),
    ({"dynamics": {"oscillator": {"z0": [1.0, 0.0, 0.0]}}},
     "dynamics.oscillator.z0 must have 2 entries, got 3"),
    ({"dynamics": {"henon_heiles": {"z0": [0.1, 0.1]}}},
     "dynamics.henon_heiles.z0 must have 4 entries, got 2"),
    ({"imp_layers": {"fractions": [0.2], "iterations": [3, 4]}},
     "imp_layers.fractions and imp_layers.iterations must be non-empty lists of equal length"),
    ({"imp_layers": {"fractions": [], "iterations": []}},
     "imp_layers.fractions and imp_layers.iterations must be non-empty lists of equal length"),
    ({"imp_layers": {"fractions": [1.5], "iterations": [3]}},
     r"imp_layers.fractions must be in \(0, 1\)"),
    ({"imp_layers": {"fractions": [0.2], "iterations": [0]}},
     "imp_layers.iterations must be positive integers"),
]  # fmt: skip


@pytest.mark.parametrize("data,message", CROSS_FIELD, ids=[m[:40] for _, m in CROSS_FIELD])
def test_every_cross_field_rule_names_its_keys(data, message):
    with pytest.raises(ParamsError, match=f"^{message}$"):
        from_dict(data, SECTIONS)


def test_profile_overlay_with_unknown_key_fails():
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
    params = from_dict(tree, SECTIONS)
    assert tree == yaml.safe_load(render_profile(params.pipeline.profile, repo_root)), (
        "params.yaml differs from its profile; run `python -m nnrg profile "
        f"{params.pipeline.profile}` or commit the change to the profile"
    )


@pytest.fixture
def params_dir(tmp_path, monkeypatch):
    """A directory holding a dvc.yaml and the tiny profile's params.yaml, as the cwd."""
    (tmp_path / "dvc.yaml").write_text("stages: {}\n")
    (tmp_path / "params.yaml").write_text(render_profile("tiny", ROOT))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_nnrg_params_prints_every_section(params_dir, capsys):
    assert main(["params"]) == 0
    assert list(yaml.safe_load(capsys.readouterr().out)) == list(SECTIONS)


@pytest.mark.parametrize("section", list(SECTIONS))
def test_nnrg_params_validates_every_section(params_dir, capsys, section):
    tree = yaml.safe_load((params_dir / "params.yaml").read_text())
    tree[section]["not_a_param"] = 1
    (params_dir / "params.yaml").write_text(yaml.safe_dump(tree, sort_keys=False))
    assert main(["params"]) == 2
    err = capsys.readouterr().err
    assert f"unknown key '{section}.not_a_param'" in err, err
    del tree[section]
    (params_dir / "params.yaml").write_text(yaml.safe_dump(tree, sort_keys=False))
    assert main(["params"]) == 2
    assert f"missing section '{section}'" in capsys.readouterr().err


def test_nnrg_params_rejects_a_section_no_stage_declares(params_dir, capsys):
    """A stage reads only its own sections, so a misspelt section name would go unnoticed by
    the stages: ``nnrg params`` (run by ``make repro`` before any compute) refuses it."""
    tree = yaml.safe_load((params_dir / "params.yaml").read_text())
    tree["imp_globl"] = {"fraction": 0.2}
    (params_dir / "params.yaml").write_text(yaml.safe_dump(tree, sort_keys=False))
    assert main(["params"]) == 2
    err = capsys.readouterr().err
    assert "unknown key 'imp_globl' in params.yaml" in err and "imp_global" in err, err
