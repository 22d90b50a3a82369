"""The fan-out of independent units (serial or Ray) gives the bytes of the batched serial path."""

from pathlib import Path

import numpy as np
import pytest
import torch

from nnrg.core import fanout
from nnrg.studies.imp_hnn.hnn import BatchedHNN, tiled
from nnrg.studies.imp_hnn.imp import PruneGroup, group_bins, imp
from nnrg.studies.imp_hnn.resumable import imp_binned
from nnrg.studies.imp_hnn.systems import get_system
from nnrg.studies.imp_hnn.training import HnnProblem, HnnTraining, train_hnn, train_split


def problem() -> HnnProblem:
    s = get_system("oscillator")
    return HnnProblem(s.field, s.energy, torch.tensor([1.3, 1.0]), np.pi)


def recipe(thesis: bool = False) -> HnnTraining:
    """The default recipe, or (``thesis``) the paper-budget set's: Gaussian time noise and the
    best network of the final epochs kept per replica."""
    extra = {"time_noise": "gaussian_reflected", "time_noise_scale": 0.4, "keep": "best_of_final",
             "adam_betas": [0.999, 0.9999]} if thesis else {}  # fmt: skip
    return HnnTraining.of(epochs=25, lr=2e-2, lr_final=1e-4, schedule="cosine", n_points=20,
                          seed=3, **extra)  # fmt: skip


def mixed_groups(r: int) -> list[PruneGroup]:
    """Every kind a stage uses: IMP and both score controls (imp_global), per-layer groups
    that stop pruning early (imp_layers)."""
    return [
        PruneGroup(0, r, ("input", "hidden", "output"), "magnitude", 0.2),
        PruneGroup(r, 2 * r, ("input", "hidden", "output"), "random", 0.2),
        PruneGroup(2 * r, 3 * r, ("hidden",), "magnitude", 0.3, n_prunings=1),
        PruneGroup(3 * r, 4 * r, ("output",), "layer_normalised", 0.2),
        PruneGroup(4 * r, 5 * r, ("input",), "random", 0.3, n_prunings=2),
    ]


def binned(model: BatchedHNN, groups, n_bins: int, n_iter: int, run=None, thesis=False):
    """IMP bin by bin as ``imp_hnn.stages.common.run_imp`` fans it out (serially unless ``run``)."""
    serial = run or (lambda fn, units: [fn(*u) for u in units])
    return imp_binned(model, problem(), recipe(thesis), groups, n_iter, n_bins, serial)


def assert_same(a, b) -> None:
    for field in ("density", "loss", "layer_density", "layer_magnitude"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    for n in a.masks:
        np.testing.assert_array_equal(a.masks[n], b.masks[n], err_msg=n)


def test_bins_cover_every_replica_once_keep_random_groups_whole_and_balance_cost():
    groups = mixed_groups(2)

    def cost(g):
        return (g.stop - g.start) * ((3 if g.n_prunings is None else g.n_prunings) + 1)

    for n_bins in (1, 2, 3, 7):
        bins = group_bins(groups, n_bins, n_iterations=3)
        replicas = sorted(r for b in bins for g in b for r in range(g.start, g.stop))
        assert replicas == list(range(10))
        for b in bins:  # every piece keeps its group's settings
            for g in b:
                parent = next(p for p in groups if p.start <= g.start < p.stop)
                assert (g.method, g.layers, g.fraction, g.n_prunings) == (
                    parent.method,
                    parent.layers,
                    parent.fraction,
                    parent.n_prunings,
                )
        random = [g for b in bins for g in b if g.method == "random"]
        assert random == [g for g in groups if g.method == "random"]  # whole, in order
        assert sum(any(g.method == "random" for g in b) for b in bins) == 1
        loads = [sum(cost(g) for g in b) for b in bins]
        assert max(loads) - min(loads) <= sum(cost(g) for g in random)  # the biggest item
    assert group_bins(groups, 1, 3) == [groups]


@pytest.mark.parametrize("thesis", [False, True])
@pytest.mark.parametrize("n_bins", [1, 2, 3, 5])
def test_binned_imp_gives_the_bytes_of_the_whole_batch(n_bins, thesis):
    base = BatchedHNN(2, 2, hidden=6, generator=torch.Generator().manual_seed(5))
    groups = mixed_groups(2)
    whole = imp(tiled(base, 5), problem(), recipe(thesis), groups, 3)
    assert_same(binned(tiled(base, 5), groups, n_bins, 3, thesis=thesis), whole)


def test_ray_units_give_the_bytes_of_the_serial_loop():
    pytest.importorskip("ray")
    base = BatchedHNN(2, 2, hidden=6, generator=torch.Generator().manual_seed(7))
    groups = mixed_groups(2)
    whole = imp(tiled(base, 5), problem(), recipe(), groups, 3)

    def on_ray(fn, units):
        return fanout.run_units(fn, units, parallel="ray", workers=2)

    assert_same(binned(tiled(base, 5), groups, 2, 3, run=on_ray), whole)


def test_shared_inputs_reach_every_unit_and_order_is_kept():
    out = fanout.run_units(pow, [(2,), (3,)], parallel="serial", shared=10)
    assert out == [100, 1000]


def test_a_bad_backend_names_the_setting(monkeypatch):
    monkeypatch.setenv(fanout.PARALLEL_ENV, "dask")
    with pytest.raises(ValueError, match=r"\$NNRG_PARALLEL: 'dask' is not a backend"):
        fanout.run_units(pow, [(2, 2)], parallel="serial")


def test_training_split_into_blocks_gives_the_whole_batch_losses():
    base = BatchedHNN(5, 2, hidden=6, generator=torch.Generator().manual_seed(9))
    for thesis in (False, True):
        whole = train_hnn(tiled(base, 1), problem(), recipe(thesis))
        for n in (1, 2, 5, 9):
            split = train_split(base, problem(), recipe(thesis), n,
                                lambda fn, us: [fn(*u) for u in us])  # fmt: skip
            np.testing.assert_array_equal(split, whole)


def test_units_run_single_threaded_on_the_serial_path_too():
    """A float reduction split over threads rounds differently, so every backend runs each
    unit on one torch thread (and the caller's count comes back after)."""
    before = torch.get_num_threads()
    assert fanout.run_units(torch.get_num_threads, [(), ()], parallel="serial") == [1, 1]
    assert torch.get_num_threads() == before


def test_local_workers_import_this_source_tree():
    """Ray's local workers get ``source_root()`` first on their PYTHONPATH: the directory that
    holds the package this process runs (fanout lives in nnrg/core/, two levels down)."""
    import nnrg
    from nnrg.core.fanout import source_root

    assert (source_root() / "nnrg" / "__init__.py").resolve() == Path(nnrg.__file__).resolve()
