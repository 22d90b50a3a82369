"""Stage ising_chain: study 002's periodic N = 8 chains, sampled exactly, three sets per T.

Also checks the samples against the exact Boltzmann distribution: a chi-square test of each
temperature's energy histogram (all sets pooled), summarised by the smallest p-value.
"""

from __future__ import annotations

import numpy as np

from nnrg.core.declare import StageSpec
from nnrg.core.io import write_dataset, write_figure
from nnrg.core.stage import Stage
from nnrg.ising import plots as plots_ising
from nnrg.ising.datasets import chi_square_pvalue, inverse_temperatures, temperature_grid
from nnrg.ising.exact import all_states, boltzmann_weights, chain_energies
from nnrg.studies.rbm_flow import paths
from nnrg.studies.rbm_flow.chain import sample_chain
from nnrg.studies.rbm_flow.params import IsingChainParams

FIGURE_ISING_CHAIN_ENERGY = "reports/figures/ising_chain_energy.png"


STAGE = StageSpec(
    "ising_chain",
    IsingChainParams,
    outs=(
        paths.ISING_CHAIN,
        FIGURE_ISING_CHAIN_ENERGY,
    ),
    headline=("exact_check.bonferroni_p",),
)


SETS = ("train", "test", "heldout")


def energy_histogram_check(
    n_spins: int, spins: np.ndarray, beta: float
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """p-value of sampled energies vs exact; also (counts, exact probabilities, levels)."""
    states = all_states(n_spins)
    energies = chain_energies(states)
    levels = np.unique(energies)
    p_state = boltzmann_weights(energies, beta)
    exact = np.array([p_state[energies == e].sum() for e in levels])
    observed = np.array([(chain_energies(spins) == e).sum() for e in levels])
    _, p_value, _ = chi_square_pvalue(observed, exact)
    return p_value, observed, exact, levels


def sample_sets(p: IsingChainParams, temps: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """Train / test / held-out sets: ``samples_per_temperature`` exact samples per T each."""
    betas, n = inverse_temperatures(temps), p.samples_per_temperature
    sets = {}
    for name, seed in zip(SETS, np.random.SeedSequence(p.seed).spawn(len(SETS)), strict=True):
        rngs = [np.random.default_rng(s) for s in seed.spawn(len(temps))]
        spins = np.concatenate(
            [sample_chain(p.n_spins, b, n, r) for b, r in zip(betas, rngs, strict=True)]
        )
        label = np.repeat(np.arange(len(temps)), n)
        sets[name] = {"spins": spins, "temperature": temps[label], "label": label}
    return sets


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    temps = temperature_grid(p.t_max, p.t_step)
    betas = inverse_temperatures(temps)
    sets = sample_sets(p, temps)
    pooled = np.concatenate([s["spins"] for s in sets.values()])
    pooled_label = np.concatenate([s["label"] for s in sets.values()])
    checks = [
        energy_histogram_check(p.n_spins, pooled[pooled_label == k], betas[k])
        for k in range(len(temps))
    ]
    p_values = np.array([c[0] for c in checks])
    meta = {"n_spins": p.n_spins, "temperatures": temps, "sampler": "exact"}
    meta["samples_per_temperature"] = p.samples_per_temperature
    write_dataset(stage.path(paths.ISING_CHAIN), sets, meta)
    stage.add_artifact(stage.path(f"{paths.ISING_CHAIN}/meta.json"), "data")
    shown = [k for k in range(len(temps)) if temps[k] in (0.5, 1.0, 2.0, 6.0)] or [0]
    fig = plots_ising.energy_histograms(
        [temps[k] for k in shown],
        [checks[k][1] for k in shown],
        [checks[k][2] for k in shown],
        checks[0][3],
    )
    path = stage.path(FIGURE_ISING_CHAIN_ENERGY)
    stage.add_artifact(write_figure(path, fig), "figures")
    exact_check = {
        "min_p_energy_histogram": float(p_values.min()),
        "bonferroni_p": float(min(1.0, p_values.min() * len(temps))),
        "n_temperatures": len(temps),
    }
    stage.finish(
        {
            "n_temperatures": len(temps),
            "n_per_set": len(temps) * p.samples_per_temperature,
            "exact_check": exact_check,
        }
    )
