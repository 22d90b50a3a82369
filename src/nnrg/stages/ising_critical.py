"""Stage ising_critical: study 001's lattices at beta = 0.4352 and their two decimations."""

from __future__ import annotations

import numpy as np

from nnrg import plots_ising
from nnrg.datasets import train_test_indices
from nnrg.physics.exact import specific_heat_peak
from nnrg.physics.ising import BETA_C
from nnrg.physics.rg import decimate_checkerboard, decimate_rows
from nnrg.stages import paths
from nnrg.stages.base import Stage
from nnrg.stages.io import write_dataset, write_figure
from nnrg.stages.ising_common import diagnostics_table, report_ensembles, sample_checked

ARRAYS = {
    "spins": "(n, L, L) int8",
    "decimated_1": "(n, L, L/2) int8",
    "decimated_2": "(n, L/2, L/2) int8",
}


def main() -> None:
    stage = Stage("ising_critical", uses=("sampler",))
    p = stage.section
    sample_seed, split_seed = np.random.SeedSequence(p.seed).spawn(2)
    spins, _, diags = sample_checked(
        stage,
        p.L,
        np.array([p.beta]),
        np.array([p.n_samples]),
        p.n_chains,
        sample_seed,
        f"L={p.L} beta={p.beta}",
    )
    once = decimate_checkerboard(spins)
    twice = decimate_rows(once)
    train, test = train_test_indices(len(spins), p.test_fraction, np.random.default_rng(split_seed))
    meta = {"L": p.L, "beta": p.beta, "n_train": len(train), "n_test": len(test)}
    meta["arrays"] = ARRAYS
    meta["sampler"] = diagnostics_table(diags)
    files = {
        name: {"spins": spins[idx], "decimated_1": once[idx], "decimated_2": twice[idx]}
        for name, idx in (("train", train), ("test", test))
    }
    write_dataset(stage.path(paths.ISING_CRITICAL), files, meta)
    stage.add_artifact(stage.path(f"{paths.ISING_CRITICAL}/meta.json"), "data")
    fig = plots_ising.lattice_panels(
        [spins[0], once[0], twice[0], spins[1], once[1], twice[1]],
        [f"{p.L}x{p.L}", "decimated once", "decimated twice"] * 2,
        ncols=3,
    )
    stage.add_artifact(
        write_figure(stage.path("reports/figures/ising_critical_samples.png"), fig), "figures"
    )
    metrics = report_ensembles(stage, p.L, diags, "ising_critical")
    metrics.update(n_train=len(train), n_test=len(test), tau_int=diags[0].tau_int)
    metrics.update(algorithm=diags[0].algorithm, energy=diags[0].energy.as_dict())
    metrics["reference"] = {
        "beta_c_exact": BETA_C,
        "beta_peak_specific_heat": specific_heat_peak(p.L),
    }
    stage.finish(metrics)
