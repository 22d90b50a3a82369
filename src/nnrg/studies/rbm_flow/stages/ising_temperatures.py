"""Stage ising_temperatures: study 002's L = 10 lattices at T = 0, 0.25, ..., 6 (three sets),
plus the sparse sets of section 4.6: T = 0 split by magnetisation and a T = inf set at m = 0."""

from __future__ import annotations

import numpy as np

from nnrg.core.declare import StageSpec
from nnrg.core.io import write_dataset
from nnrg.core.stage import Stage
from nnrg.ising.data_stage import diagnostics_table, report_ensembles, sample_checked, tau_plot
from nnrg.ising.datasets import inverse_temperatures, temperature_grid
from nnrg.ising.lattice import BETA_C, zero_magnetisation_lattices
from nnrg.ising.params import SamplerParams
from nnrg.studies.rbm_flow import paths
from nnrg.studies.rbm_flow.params import IsingTemperaturesParams

CURVES_ISING_TEMPERATURES_TAU = "reports/plots/ising_temperatures_tau.csv"


STAGE = StageSpec(
    "ising_temperatures",
    IsingTemperaturesParams,
    uses={"sampler": SamplerParams},
    tracks=("sampler",),
    outs=(
        paths.ISING_TEMPERATURES,
        "reports/figures/ising_temperatures_sampler.png",
        CURVES_ISING_TEMPERATURES_TAU,
    ),
    headline=(
        "exact_check.max_abs_z_energy",
        "exact_check.passed",
        "tau_int_max",
    ),
    plots={
        "ising_tau": tau_plot(CURVES_ISING_TEMPERATURES_TAU),
    },
)


SETS = ("train", "test", "heldout")


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    temps = temperature_grid(p.t_max, p.t_step)
    betas = inverse_temperatures(temps)
    counts = np.full(len(temps), p.samples_per_temperature)
    *set_seeds, sparse_seed = np.random.SeedSequence(p.seed).spawn(len(SETS) + 1)
    sets, all_diags = {}, {}
    for name, seed in zip(SETS, set_seeds, strict=True):
        spins, beta, diags = sample_checked(stage, p.L, betas, counts, p.n_chains, seed, name)
        label = np.repeat(np.arange(len(temps)), counts)
        sets[name] = {"spins": spins, "temperature": temps[label], "label": label}
        all_diags[name] = diags
    rng = np.random.default_rng(sparse_seed)
    plus = np.ones((p.sparse_samples, p.L, p.L), dtype=np.int8)
    sparse = {
        "t0_plus": plus,
        "t0_minus": -plus,
        "tinf_m0": zero_magnetisation_lattices(p.sparse_samples, p.L, rng),
    }

    meta = {
        "L": p.L,
        "temperatures": temps,
        "samples_per_temperature": p.samples_per_temperature,
        "sparse": {k: "(n, L, L) int8" for k in sparse},
        "sampler": {k: diagnostics_table(v) for k, v in all_diags.items()},
    }
    write_dataset(stage.path(paths.ISING_TEMPERATURES), {**sets, "sparse": sparse}, meta)
    stage.add_artifact(stage.path(f"{paths.ISING_TEMPERATURES}/meta.json"), "data")
    metrics = report_ensembles(stage, p.L, all_diags["train"], "ising_temperatures")
    metrics.update(
        {
            "n_temperatures": len(temps),
            "n_per_set": int(counts.sum()),
            "reference": {"t_c_exact": 1.0 / BETA_C},
        }
    )
    stage.finish(metrics)
