"""Stage ising_critical: study 001's lattices at beta = 0.4352 and their two decimations."""

from __future__ import annotations

import numpy as np

from nnrg.core.declare import StageSpec
from nnrg.core.io import write_dataset, write_figure
from nnrg.core.stage import Stage
from nnrg.ising import plots as plots_ising
from nnrg.ising.data_stage import diagnostics_table, report_ensembles, sample_checked, tau_plot
from nnrg.ising.datasets import train_test_indices
from nnrg.ising.decimation import decimate_checkerboard, decimate_rows
from nnrg.ising.exact import specific_heat_peak
from nnrg.ising.lattice import BETA_C
from nnrg.ising.params import SamplerParams
from nnrg.studies.autoencoder_rg import paths
from nnrg.studies.autoencoder_rg.params import IsingCriticalParams

FIGURE_ISING_CRITICAL_SAMPLES = "reports/figures/ising_critical_samples.png"
CURVES_ISING_CRITICAL_TAU = "reports/plots/ising_critical_tau.csv"


STAGE = StageSpec(
    "ising_critical",
    IsingCriticalParams,
    uses={"sampler": SamplerParams},
    tracks=("sampler",),
    outs=(
        paths.ISING_CRITICAL,
        FIGURE_ISING_CRITICAL_SAMPLES,
        "reports/figures/ising_critical_sampler.png",
        CURVES_ISING_CRITICAL_TAU,
    ),
    headline=(
        "exact_check.max_abs_z_energy",
        "exact_check.passed",
        "tau_int_max",
    ),
    plots={
        "ising_tau": tau_plot(CURVES_ISING_CRITICAL_TAU),
    },
)


ARRAYS = {
    "spins": "(n, L, L) int8",
    "decimated_1": "(n, L, L/2) int8",
    "decimated_2": "(n, L/2, L/2) int8",
}


def main() -> None:
    stage = Stage(STAGE)
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
    stage.add_artifact(write_figure(stage.path(FIGURE_ISING_CRITICAL_SAMPLES), fig), "figures")
    metrics = report_ensembles(stage, p.L, diags, "ising_critical")
    metrics.update(n_train=len(train), n_test=len(test), tau_int=diags[0].tau_int)
    metrics.update(algorithm=diags[0].algorithm, energy=diags[0].energy.as_dict())
    metrics["reference"] = {
        "beta_c_exact": BETA_C,
        "beta_peak_specific_heat": specific_heat_peak(p.L),
    }
    stage.finish(metrics)
