"""Stage rbm_ising: RBMs trained on subsets of the 1D / 2D Ising data and their flows
v -> h -> v' (study 002, secs. 4.2, 4.3, 4.5; figs. 4.2-4.4, 4.6-4.9, 4.16-4.18).

Every flow starts from held-out configurations at each of the 25 temperatures and is read
after every step twice: by the temperature classifier (trained on +-1 configurations, so out
of its distribution on mean-field states) and by the energy thermometer (exact energy-vs-T
curve). Both flow modes (sampled +-1 units; propagated means) and both CD variants (sampled;
mean-field) run, each RBM with ``n_seeds`` seeds; the converged temperature is the last step's
read-out averaged over starting temperatures, with its spread over seeds.
"""

from __future__ import annotations

import numpy as np
import torch

from nnrg import plots_rbm
from nnrg.analysis.rbm_flow import read_flow
from nnrg.analysis.thermometry import (
    CurveThermometer,
    chain_energy_per_spin,
    collection_distribution,
    lattice_energy_per_spin,
    read,
)
from nnrg.models.rbm import CD_MODES, FLOW_MODES, RBM, RbmTraining, train_rbm
from nnrg.numerics.stats import mean_of_replicas
from nnrg.physics.exact import chain_mean_energy, kaufman_energy_and_heat
from nnrg.physics.ising import BETA_C
from nnrg.stages.base import Stage
from nnrg.stages.io import read_npz, replace_dir, write_figure, write_npz, write_text
from nnrg.stages.rbm_common import ISING, epochs_for, ising_set, load_classifier, temperatures

T_C = 1.0 / BETA_C
# readings saturate at T = 50: energies that close to 0 do not resolve T any further
REFERENCE_T = np.r_[np.linspace(0.02, 8.0, 400), np.geomspace(8.5, 50.0, 30)]


def thermometer(system: str, size: int) -> CurveThermometer:
    """Exact <H>/N vs T: transfer matrix for the chain, Kaufman for the L x L torus."""
    if system == "chain":
        energy = [chain_mean_energy(size, 1.0 / t) / size for t in REFERENCE_T]
        ground = -1.0
    else:
        energy = [kaufman_energy_and_heat(size, 1.0 / t)[0] for t in REFERENCE_T]
        ground = -2.0
    return CurveThermometer(np.r_[0.0, REFERENCE_T], np.r_[ground, energy])


def experiments(stage: Stage, temps: dict[str, np.ndarray]) -> dict[str, tuple[str, object]]:
    """Name -> (system, training-set selector): a mask over temperatures, or 'sparse' sets."""
    p = stage.section
    tc, tl = temps["chain"], temps["lattice"]
    lo, hi = p.excluded
    return {
        "chain_all": ("chain", np.ones(len(tc), bool)),
        "chain_T0": ("chain", tc == tc.min()),
        "chain_Tmax": ("chain", tc == tc.max()),
        "lattice_all": ("lattice", np.ones(len(tl), bool)),
        "lattice_low": ("lattice", tl <= p.low_regime_max),
        "lattice_high": ("lattice", tl >= p.high_regime_min),
        "lattice_excluded": ("lattice", (tl < lo) | (tl > hi)),
        "sparse_T0": ("lattice", ("t0_plus", "t0_minus")),
        "sparse_T0_Tinf": ("lattice", ("t0_plus", "t0_minus", "tinf_m0")),
    }


def training_data(stage: Stage, system: str, selector, sets: dict) -> tuple[np.ndarray, ...]:
    """(train, test) configurations for an experiment; sparse sets are split 80 / 20."""
    if isinstance(selector, tuple):
        sparse = read_npz(
            stage.path(f"{ISING[system]}/sparse.npz"), require=dict.fromkeys(selector)
        )
        x = np.concatenate([sparse[k].reshape(len(sparse[k]), -1) for k in selector])
        x = x.astype(np.float64)
        perm = np.random.default_rng(0).permutation(len(x))
        cut = int(0.8 * len(x))
        return x[perm[:cut]], x[perm[cut:]]
    train, test = sets["train"], sets["test"]
    return (train["spins"][selector[train["label"]]], test["spins"][selector[test["label"]]])


def magnetisation_modes(states: list[np.ndarray]) -> dict[str, float]:
    """Fractions of final states near m = -1, 0, +1 and how many of those hold >= 10%."""
    m = np.concatenate([s.mean(axis=1) for s in states])
    frac = {
        "minus": float((m < -0.8).mean()),
        "zero": float((np.abs(m) < 0.2).mean()),
        "plus": float((m > 0.8).mean()),
    }
    return {**frac, "n_modes": int(sum(v >= 0.1 for v in frac.values()))}


def summarise(values: list[float]) -> dict[str, float]:
    """Mean, its standard error over seeds (``error``, with ``n``), and the spread (sample
    standard deviation) over seeds."""
    v = np.asarray(values, dtype=np.float64)
    return {
        **mean_of_replicas(v).as_dict(),
        "spread": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
        "n_seeds": len(v),
    }


def main() -> None:
    stage = Stage("rbm_ising", uses=("rbm_classifiers",))
    p = stage.section
    temps = {s: temperatures(stage, s) for s in ISING}
    sets = {s: {n: ising_set(stage, s, n) for n in ("train", "test", "heldout")} for s in ISING}
    sizes = {
        "chain": sets["chain"]["train"]["spins"].shape[1],
        "lattice": int(round(np.sqrt(sets["lattice"]["train"]["spins"].shape[1]))),
    }
    classifiers = {
        s: load_classifier(stage, s, sets[s]["train"]["spins"].shape[1], len(temps[s]))
        for s in ISING
    }
    thermometers = {s: thermometer(s, sizes[s]) for s in ISING}
    energy_fn = {
        "chain": chain_energy_per_spin,
        "lattice": lambda v: lattice_energy_per_spin(v, sizes["lattice"]),
    }
    starts = {}
    for s in ISING:
        held = sets[s]["heldout"]
        starts[s] = [held["spins"][held["label"] == k][: p.n_start] for k in range(len(temps[s]))]
    metrics, rows, models, figures = (
        {},
        ["experiment,cd,flow,seed,t_start,step,classifier,energy"],
        {},
        {},
    )
    exps = experiments(stage, temps)
    bar = stage.progress(total=len(exps) * len(CD_MODES) * p.n_seeds, desc="RBMs")
    for name, (system, selector) in exps.items():
        x_train, x_test = training_data(stage, system, selector, sets[system])
        t_vals, clf = temps[system], classifiers[system]

        def therm(v: np.ndarray, s: str = system) -> float:
            return float(thermometers[s](energy_fn[s](v).mean()))

        mix = read(collection_distribution(clf, torch.as_tensor(x_train)), t_vals)
        entry: dict = {
            "n_train": len(x_train),
            "training_mixture": {"classifier": mix.expected, "energy": therm(x_train)},
        }
        n_hidden = p.chain_hidden if system == "chain" else p.lattice_hidden
        for cd in CD_MODES:
            results = {f: {"classifier": [], "energy": [], "argmax": []} for f in FLOW_MODES}
            extra: dict = {f: [] for f in FLOW_MODES}
            for seed in range(p.n_seeds):
                rbm = RBM(
                    x_train.shape[1],
                    n_hidden,
                    generator=torch.Generator().manual_seed(p.seed + seed),
                )
                tr = RbmTraining(
                    epochs_for(p.training, len(x_train)),
                    p.training.lr,
                    p.training.batch_size,
                    p.training.k,
                    cd,
                    p.seed + seed,
                )
                train_rbm(rbm, torch.as_tensor(x_train), torch.as_tensor(x_test), tr)
                models[f"{name}__{cd}__seed{seed}"] = rbm.state()
                for flow in FLOW_MODES:
                    out = read_flow(
                        rbm, starts[system], p.flow_steps, flow, p.seed + seed, clf, t_vals, therm
                    )
                    results[flow]["classifier"].append(float(out.expected[:, -1].mean()))
                    results[flow]["energy"].append(float(out.thermometer[:, -1].mean()))
                    results[flow]["argmax"].append(float(np.median(out.argmax[:, -1])))
                    if name.startswith("sparse"):
                        extra[flow].append(magnetisation_modes(out.final_states))
                    if seed == 0:
                        figures[(name, cd, flow)] = out
                        rows += [
                            f"{name},{cd},{flow},{seed},{t_vals[k]:g},{j},"
                            f"{out.expected[k, j]:.4g},{out.thermometer[k, j]:.4g}"
                            for k in range(len(t_vals))
                            for j in range(p.flow_steps + 1)
                        ]
                bar.update()
            entry[f"cd_{cd}"] = {
                f"flow_{f}": {
                    **{key: summarise(v) for key, v in r.items()},
                    **(
                        {
                            "magnetisation": {
                                k: float(np.mean([e[k] for e in extra[f]])) for k in extra[f][0]
                            }
                        }
                        if extra[f]
                        else {}
                    ),
                }
                for f, r in results.items()
            }
        metrics[name] = entry
    bar.close()
    metrics["sensitivity"] = sweep(
        stage, sets["lattice"], starts["lattice"], classifiers["lattice"], temps["lattice"]
    )
    metrics["reference"] = {"t_c_exact": T_C}

    replace_dir(
        stage.path("models/rbm_ising"),
        lambda tmp: [write_npz(tmp / f"{k}.npz", **v) for k, v in models.items()],
    )
    stage.add_artifact(stage.path("models/rbm_ising"), "models")
    stage.add_artifact(
        write_text(stage.path("reports/plots/rbm_ising_flows.csv"), "\n".join(rows) + "\n"), "plots"
    )
    save_figures(stage, figures, temps)
    stage.finish(metrics, method={"readout": "expected_T_of_mean_softmax"})


def sweep(stage: Stage, sets: dict, starts: list[np.ndarray], clf, t_vals) -> dict:
    """Endpoint of the 2D all-T flow (sampled CD and flow, one seed) vs epochs and lr."""
    p = stage.section
    x_train, x_test = sets["train"]["spins"], sets["test"]["spins"]
    grid, lines = {}, ["epochs,lr,endpoint_classifier"]
    for epochs in (int(e) for e in p.sweep_epochs):
        for lr in p.sweep_lr:
            rbm = RBM(
                x_train.shape[1], p.lattice_hidden, generator=torch.Generator().manual_seed(p.seed)
            )
            train_rbm(
                rbm,
                torch.as_tensor(x_train),
                torch.as_tensor(x_test),
                RbmTraining(epochs, lr, p.training.batch_size, p.training.k, "sampled", p.seed),
            )
            out = read_flow(rbm, starts, p.flow_steps, "sampled", p.seed, clf, t_vals)
            grid[f"e{epochs}_lr{lr:g}"] = float(out.expected[:, -1].mean())
            lines.append(f"{epochs},{lr:g},{grid[f'e{epochs}_lr{lr:g}']:.4g}")
    stage.add_artifact(
        write_text(stage.path("reports/tables/rbm_ising_sensitivity.csv"), "\n".join(lines) + "\n"),
        "tables",
    )
    values = np.array(list(grid.values()))
    return {
        "endpoints": grid,
        "min": float(values.min()),
        "max": float(values.max()),
        "range": float(values.max() - values.min()),
    }


def save_figures(stage: Stage, figures: dict, temps: dict[str, np.ndarray]) -> None:
    """Flow curves per system (figs. 4.2-4.4, 4.6-4.9, 4.16-4.18) for each CD / flow mode."""
    groups = {
        "chain": ["chain_all", "chain_T0", "chain_Tmax"],
        "lattice": ["lattice_all", "lattice_low", "lattice_high", "lattice_excluded"],
        "sparse": ["sparse_T0", "sparse_T0_Tinf"],
    }
    for group, names in groups.items():
        system = "chain" if group == "chain" else "lattice"
        for cd in CD_MODES:
            for flow in FLOW_MODES:
                outs = {n: figures[(n, cd, flow)] for n in names}
                steps = np.arange(next(iter(outs.values())).expected.shape[1])
                panels = {
                    n: {"classifier": o.expected, "energy": o.thermometer} for n, o in outs.items()
                }
                marks = {"T_c": T_C} if system == "lattice" else {}
                fig = plots_rbm.temperature_flows(panels, steps, marks)
                fig.suptitle(f"{group}: CD {cd}, flow {flow}", fontsize=8)
                path = stage.path(f"reports/figures/rbm_ising/{group}_cd-{cd}_flow-{flow}.png")
                write_figure(path, fig)
    stage.add_artifact(stage.path("reports/figures/rbm_ising"), "figures/rbm_ising")
