"""An IMP run interrupted after any iteration and started again gives the bytes of one
uninterrupted run; a checkpoint of another run is never used."""

from pathlib import Path

import numpy as np
import pytest
import torch

from nnrg.studies.imp_hnn.hnn import BatchedHNN, state_arrays, tiled
from nnrg.studies.imp_hnn.imp import PruneGroup
from nnrg.studies.imp_hnn.resumable import ImpCheckpoint, imp_binned, imp_run, imp_unit, run_key
from nnrg.studies.imp_hnn.systems import get_system
from nnrg.studies.imp_hnn.training import HnnProblem, HnnTraining

N_ITER = 4


class Interrupted(Exception):
    """Stands for SIGINT, a crash or a cluster's time limit."""


def problem() -> HnnProblem:
    s = get_system("oscillator")
    return HnnProblem(s.field, s.energy, torch.tensor([1.3, 1.0]), np.pi)


def recipe(seed: int = 3) -> HnnTraining:
    return HnnTraining.of(epochs=8, lr=2e-2, lr_final=1e-4, schedule="cosine", n_points=12,
                          seed=seed, time_noise="gaussian_reflected", time_noise_scale=0.4,
                          keep="best_of_final", adam_betas=[0.999, 0.9999])  # fmt: skip


def model() -> BatchedHNN:
    base = BatchedHNN(2, 2, hidden=6, generator=torch.Generator().manual_seed(5))
    return tiled(base, 2)


GROUPS = [
    PruneGroup(0, 2, ("input", "hidden", "output"), "magnitude", 0.2),
    PruneGroup(2, 4, ("input", "hidden", "output"), "random", 0.2),  # the generator's state
]


def assert_same(a, b) -> None:
    for field in ("density", "loss", "layer_density", "layer_magnitude"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    for n in a.masks:
        np.testing.assert_array_equal(a.masks[n], b.masks[n], err_msg=n)


def interrupt_after(k: int):
    def progress(it: int) -> None:
        if it == k:
            raise Interrupted

    return progress


@pytest.mark.parametrize("stop_after", [0, 2, N_ITER])
def test_resumed_run_gives_the_bytes_of_an_uninterrupted_one(tmp_path: Path, stop_after: int):
    whole = imp_run(model(), problem(), recipe(), GROUPS, N_ITER)
    ck = tmp_path / "run"
    with pytest.raises(Interrupted):
        imp_run(model(), problem(), recipe(), GROUPS, N_ITER, checkpoint=ck,
                progress=interrupt_after(stop_after))  # fmt: skip
    assert ck.exists()
    seen: list[int] = []
    resumed = imp_run(model(), problem(), recipe(), GROUPS, N_ITER, checkpoint=ck,
                      progress=seen.append)  # fmt: skip
    assert_same(resumed, whole)
    assert seen == list(range(N_ITER + 1))  # the bar counts the iterations already done


def test_binned_run_resumes_bin_by_bin(tmp_path: Path):
    serial = lambda fn, units: [fn(*u) for u in units]  # noqa: E731
    whole = imp_binned(model(), problem(), recipe(), GROUPS, N_ITER, 2, serial)
    ck = tmp_path / "run"

    def crash_second_bin(fn, units):
        out = [fn(*units[0])]
        with pytest.raises(Interrupted):
            imp_unit(*units[1], interrupt_after(1))
        return out + [fn(*units[1])]

    resumed = imp_binned(model(), problem(), recipe(), GROUPS, N_ITER, 2, crash_second_bin,
                         checkpoint=ck)  # fmt: skip
    assert_same(resumed, whole)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run-bin0of2.npz", "run-bin1of2.npz"]


def test_checkpoint_of_another_run_is_not_used(tmp_path: Path, capsys):
    ck = tmp_path / "run"
    with pytest.raises(Interrupted):
        imp_run(model(), problem(), recipe(seed=3), GROUPS, N_ITER, checkpoint=ck,
                progress=interrupt_after(1))  # fmt: skip
    other = imp_run(model(), problem(), recipe(seed=4), GROUPS, N_ITER, checkpoint=ck)
    assert "written by another run" in capsys.readouterr().err
    assert_same(other, imp_run(model(), problem(), recipe(seed=4), GROUPS, N_ITER))


def test_run_key_changes_with_every_input():
    m = model()
    arrays = state_arrays(m)
    key = run_key(arrays, problem(), recipe(), GROUPS, N_ITER, True)
    assert run_key(arrays, problem(), recipe(), GROUPS, N_ITER, True) == key
    assert run_key(arrays, problem(), recipe(seed=4), GROUPS, N_ITER, True) != key
    assert run_key(arrays, problem(), recipe(), GROUPS, N_ITER + 1, True) != key
    assert run_key(arrays, problem(), recipe(), GROUPS[:1], N_ITER, True) != key
    assert run_key(arrays, problem(), recipe(), GROUPS, N_ITER, False) != key
    moved = {**arrays, "weight_input": arrays["weight_input"] + 1e-7}
    assert run_key(moved, problem(), recipe(), GROUPS, N_ITER, True) != key


def test_unreadable_checkpoint_starts_afresh(tmp_path: Path, capsys):
    path = tmp_path / "run"
    path.write_bytes(b"not an npz")
    assert ImpCheckpoint(path, "k").load() is None
    assert "starting afresh" in capsys.readouterr().err


def tiny_set(root: Path) -> Path:
    """A result set of stage imp_global on the tiny profile (its smoke params), dynamics run."""
    import shutil

    import yaml

    from nnrg.core.cli import render_profile
    from tests.conftest import ROOT

    root.mkdir()
    shutil.copy(ROOT / "dvc.yaml", root / "dvc.yaml")
    (root / "reports").mkdir()
    tree = yaml.safe_load(render_profile("tiny", ROOT))
    tree["imp_global"].update(iterations=3)
    for system in ("oscillator", "henon_heiles"):
        tree["imp_global"]["training"][system]["epochs"] = 5
    (root / "params.yaml").write_text(yaml.safe_dump(tree, sort_keys=False))
    return root


def run_stage(root: Path, monkeypatch, name: str) -> None:
    from nnrg.core import registry

    monkeypatch.chdir(root)
    monkeypatch.setenv("NNRG_TRACKING", "off")
    monkeypatch.setenv("NNRG_QUIET", "1")
    registry.load_stage(name).main()


def test_stage_interrupted_mid_run_resumes_to_the_bytes_of_one_pass(tmp_path, monkeypatch):
    """The tiny profile's imp_global, stopped by an interrupt after its 5th checkpoint (in the
    second unit) and started again, writes the archive an uninterrupted run writes, and
    removes its checkpoints once done."""
    whole, resumed = tiny_set(tmp_path / "whole"), tiny_set(tmp_path / "resumed")
    run_stage(whole, monkeypatch, "dynamics")
    run_stage(whole, monkeypatch, "imp_global")
    run_stage(resumed, monkeypatch, "dynamics")
    saves = []
    original = ImpCheckpoint.save

    def save_then_interrupt(self, progress):
        original(self, progress)
        saves.append(progress.iteration)
        if len(saves) == 5:
            raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(ImpCheckpoint, "save", save_then_interrupt)
        with pytest.raises(KeyboardInterrupt):
            run_stage(resumed, monkeypatch, "imp_global")
    assert any((resumed / "checkpoints" / "imp_global").iterdir())
    run_stage(resumed, monkeypatch, "imp_global")
    for system in ("oscillator", "henon_heiles"):
        a = (whole / "models" / "imp_global" / f"{system}.npz").read_bytes()
        b = (resumed / "models" / "imp_global" / f"{system}.npz").read_bytes()
        assert a == b, system
    assert not (resumed / "checkpoints" / "imp_global").exists()
