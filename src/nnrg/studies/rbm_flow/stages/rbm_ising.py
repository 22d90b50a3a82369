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

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from nnrg.core.declare import Plot, StageSpec
from nnrg.core.io import read_npz, write_csv, write_dir_npz, write_figure
from nnrg.core.stage import Stage
from nnrg.ising.decimation import chain_decimation_flow
from nnrg.ising.lattice import BETA_C
from nnrg.numerics.stats import seed_summary
from nnrg.studies.rbm_flow import paths
from nnrg.studies.rbm_flow import plots as plots_rbm
from nnrg.studies.rbm_flow.analysis.flow import magnetisation_modes, read_flow
from nnrg.studies.rbm_flow.analysis.thermal_readout import (
    calibration,
    direction_changes,
    nearest_temperature,
    read_collection,
    thermal_curves,
)
from nnrg.studies.rbm_flow.analysis.thermometry import (
    chain_energy_per_spin,
    collection_distribution,
    exact_energy_thermometer,
    lattice_energy_per_spin,
    read,
    state_probabilities,
)
from nnrg.studies.rbm_flow.params import RbmClassifiersParams, RbmIsingParams
from nnrg.studies.rbm_flow.rbm import CD_MODES, FLOW_MODES, RBM, train_rbm
from nnrg.studies.rbm_flow.stages.common import (
    ISING,
    ising_set,
    load_classifier,
    rbm_training,
    temperatures,
)

FIGURES_RBM_ISING = "reports/figures/rbm_ising"
TABLE_RBM_ISING_SENSITIVITY = "reports/tables/rbm_ising_sensitivity.csv"
TABLE_RBM_ISING_HIDDEN_SWEEP = "reports/tables/rbm_ising_hidden_sweep.csv"
CURVES_RBM_ISING_FLOWS = "reports/plots/rbm_ising_flows.csv"


STAGE = StageSpec(
    "rbm_ising",
    RbmIsingParams,
    uses={"rbm_classifiers": RbmClassifiersParams},
    tracks=(
        "rbm_classifiers.chain_hidden",
        "rbm_classifiers.lattice_hidden",
        "pipeline.device",
    ),
    deps=(
        paths.ISING_CHAIN,
        paths.ISING_TEMPERATURES,
        paths.CLASSIFIERS,
    ),
    outs=(
        "models/rbm_ising",
        FIGURES_RBM_ISING,
        "reports/figures/rbm_ising_calibration_chain.png",
        "reports/figures/rbm_ising_calibration_lattice.png",
        TABLE_RBM_ISING_SENSITIVITY,
        TABLE_RBM_ISING_HIDDEN_SWEEP,
        CURVES_RBM_ISING_FLOWS,
    ),
    headline=(
        "zigzag.excess",
        "zigzag.excess_error",
        "sensitivity.range",
    ),
    smoke={"flow_steps": 2, "n_start": 5, "training": {"epochs": 1, "min_updates": 10}},
    plots={
        "rbm_ising_flow": Plot(
            "nnrg_rbm_flow",
            "Study 002: RBM flows on Ising data, read by the temperature classifier "
            "(sampled CD, sampled flow)",
            "step",
            {CURVES_RBM_ISING_FLOWS: "classifier"},
            "RBM flow step",
            "read-out temperature",
        ),
    },
)


T_C = 1.0 / BETA_C
OUT = "models/rbm_ising"


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


def training_data(stage: Stage, system: str, selector, sets: dict) -> tuple[np.ndarray, np.ndarray]:
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


@dataclass
class Context:
    """What every experiment reads: temperatures, data sets, flow starts, read-outs."""

    temps: dict[str, np.ndarray]
    sets: dict[str, dict]
    starts: dict[str, list[np.ndarray]]
    classifiers: dict[str, torch.nn.Module]
    energy: dict[str, Callable[[np.ndarray], float]]
    curves: dict[str, np.ndarray]  # the classifier's thermal curves (test sets of n_start)
    # the thesis's plain-gradient-descent classifiers and their thermal curves (a variant)
    gd_classifiers: dict[str, torch.nn.Module]
    gd_curves: dict[str, np.ndarray]
    section: RbmIsingParams
    device: torch.device  # where the RBMs train and flow
    training_sets: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def readers(self, variant: str) -> tuple[dict[str, torch.nn.Module], dict[str, np.ndarray]]:
        """The classifiers and thermal curves of one classifier variant ('adam' or 'gd')."""
        if variant == "gd":
            return self.gd_classifiers, self.gd_curves
        return self.classifiers, self.curves


def context(stage: Stage) -> Context:
    """Load both systems' sets and classifiers; starts are ``n_start`` held-out states per T."""
    p = stage.section
    temps = {s: temperatures(stage, s) for s in ISING}
    sets = {s: {n: ising_set(stage, s, n) for n in ("train", "test", "heldout")} for s in ISING}
    n_in = {s: sets[s]["train"]["spins"].shape[1] for s in ISING}
    size = {"chain": n_in["chain"], "lattice": int(round(np.sqrt(n_in["lattice"])))}
    classifiers = {s: load_classifier(stage, s, n_in[s], len(temps[s])) for s in ISING}
    gd = {s: load_classifier(stage, s, n_in[s], len(temps[s]), "gd") for s in ISING}
    per_spin = {
        "chain": chain_energy_per_spin,
        "lattice": lambda v: lattice_energy_per_spin(v, size["lattice"]),
    }
    therm = {s: exact_energy_thermometer(s, size[s]) for s in ISING}

    def energy_of(s: str) -> Callable[[np.ndarray], float]:  # system s's energy thermometer
        return lambda v: float(therm[s](per_spin[s](v).mean()))

    energy = {s: energy_of(s) for s in ISING}
    starts, curves, gd_curves = {}, {}, {}
    for s in ISING:
        held, test = sets[s]["heldout"], sets[s]["test"]
        starts[s] = [held["spins"][held["label"] == k][: p.n_start] for k in range(len(temps[s]))]
        same_size = [test["spins"][test["label"] == k][: p.n_start] for k in range(len(temps[s]))]
        curves[s] = thermal_curves(classifiers[s], same_size)
        gd_curves[s] = thermal_curves(gd[s], same_size)
    ctx = Context(temps, sets, starts, classifiers, energy, curves, gd, gd_curves, p,
                  stage.device)  # fmt: skip
    for name, (system, selector) in experiments(stage, temps).items():
        ctx.training_sets[name] = training_data(stage, system, selector, sets[system])
    return ctx


def thesis_readout(
    ctx: Context, system: str, collections: list[np.ndarray], variant: str = "adam"
) -> dict:
    """Sec. 4.2's read-out of each collection (nearest thermal curve, ``analysis.
    thermal_readout``) by the ``variant`` classifier: the mean over collections of the L1
    temperature, of the L2 and KL ones, of the bootstrap interval's ends, and the share of
    collections whose three distances agree."""
    classifiers, curves = ctx.readers(variant)
    reads = [
        read_collection(state_probabilities(classifiers[system], c), curves[system],
                        ctx.temps[system], n_boot=100)
        for c in collections
    ]  # fmt: skip
    return {
        "t": float(np.mean([r["t"] for r in reads])),
        "t_l2": float(np.mean([r["by_distance"]["l2"] for r in reads])),
        "t_kl": float(np.mean([r["by_distance"]["kl"] for r in reads])),
        "interval_low": float(np.mean([r["interval"][0] for r in reads])),
        "interval_high": float(np.mean([r["interval"][1] for r in reads])),
        "distances_agree": float(np.mean([r["distances_agree"] for r in reads])),
    }


def calibrations(stage: Stage, ctx: Context) -> dict:
    """Every read-out applied to thermal held-out sets (the flows' own starts) at every T: the
    temperatures it reads against the true ones (metrics and a figure per system)."""
    out = {}
    for s in ISING:
        clf, t_vals, curves = ctx.classifiers[s], ctx.temps[s], ctx.curves[s]
        gd, gd_curves = ctx.gd_classifiers[s], ctx.gd_curves[s]
        readers = {
            "thesis": lambda x, clf=clf, c=curves, t=t_vals: nearest_temperature(
                collection_distribution(clf, x), c, t)[0],
            "thesis_gd": lambda x, clf=gd, c=gd_curves, t=t_vals: nearest_temperature(
                collection_distribution(clf, x), c, t)[0],
            "expected": lambda x, clf=clf, t=t_vals: read(
                collection_distribution(clf, x), t).expected,
            "argmax": lambda x, clf=clf, t=t_vals: read(
                collection_distribution(clf, x), t).argmax,
            "energy": ctx.energy[s],
        }  # fmt: skip
        out[s] = {name: calibration(r, ctx.starts[s], t_vals) for name, r in readers.items()}
        fig = plots_rbm.calibration(t_vals, {n: c["read"] for n, c in out[s].items()}, s)
        path = stage.path(f"reports/figures/rbm_ising_calibration_{s}.png")
        stage.add_artifact(write_figure(path, fig), "figures")
    return out


FLOW_KEYS = ("thermal", "thermal_l2", "thermal_kl", "thermal_gd", "classifier", "energy", "argmax")
EXTRA_KEYS = ("interval_low", "interval_high", "distances_agree")


def seed_unit(ctx: Context, name: str, system: str, cd: str, seed: int) -> dict:
    """One RBM of one experiment (a unit, e.g. a Ray task): trained under CD variant ``cd``
    with seed ``seed``, flowed in both modes and read by every read-out. Returns its state,
    per flow mode the read-outs, and (seed 0) the flow read-out without its final states."""
    p, t_vals, clf = ctx.section, ctx.temps[system], ctx.classifiers[system]
    x_train, x_test = ctx.training_sets[name]
    n_hidden = p.chain_hidden if system == "chain" else p.lattice_hidden
    gen = torch.Generator().manual_seed(p.seed + seed)
    rbm = RBM(x_train.shape[1], n_hidden, generator=gen, device=ctx.device)
    tr = rbm_training(p.training, len(x_train), p.seed + seed, cd_mode=cd)
    train_rbm(rbm, torch.as_tensor(x_train), torch.as_tensor(x_test), tr)
    flows = {}
    for flow in FLOW_MODES:
        res = read_flow(rbm, ctx.starts[system], p.flow_steps, flow, p.seed + seed, clf,
                        t_vals, ctx.energy[system])  # fmt: skip
        thesis = thesis_readout(ctx, system, res.final_states)
        flows[flow] = {
            "thermal": thesis["t"], "thermal_l2": thesis["t_l2"], "thermal_kl": thesis["t_kl"],
            "thermal_gd": thesis_readout(ctx, system, res.final_states, "gd")["t"],
            "classifier": float(res.expected[:, -1].mean()),
            "energy": float(res.thermometer[:, -1].mean()),
            "argmax": float(np.median(res.argmax[:, -1])),
            **{k: thesis[k] for k in EXTRA_KEYS},
            "modes": magnetisation_modes(res.final_states) if name.startswith("sparse") else None,
            "readout": replace(res, final_states=[]) if seed == 0 else None,
        }  # fmt: skip
    return {"state": rbm.state(), "flows": flows}


def cd_variant(ctx: Context, name: str, system: str, cd: str, seeds: list[dict],
               out: dict) -> dict:  # fmt: skip
    """One experiment under one CD variant from its seeds' units (:func:`seed_unit`): the
    per-mode summaries over seeds. RBM states, seed 0's flows and CSV rows go to ``out``."""
    p, t_vals = ctx.section, ctx.temps[system]
    summary = {}
    for seed, unit in enumerate(seeds):
        out["models"][f"{name}__{cd}__seed{seed}"] = unit["state"]
    for flow in FLOW_MODES:
        per_seed = [u["flows"][flow] for u in seeds]
        res = per_seed[0]["readout"]
        out["figures"][(name, cd, flow)] = res
        out["rows"] += [(name, cd, flow, 0, t_vals[k], j, res.expected[k, j],
                         res.thermometer[k, j]) for k in range(len(t_vals))
                        for j in range(p.flow_steps + 1)]  # fmt: skip
        modes = [r["modes"] for r in per_seed if r["modes"] is not None]
        summary[f"flow_{flow}"] = {
            **{key: seed_summary([r[key] for r in per_seed]) for key in FLOW_KEYS},
            **{key: float(np.mean([r[key] for r in per_seed])) for key in EXTRA_KEYS},
            **mean_modes(modes),
        }
    return summary


def mean_modes(entries: list[dict]) -> dict:
    """``{"magnetisation": mean of each fraction over seeds}``, or {} for no entries."""
    if not entries:
        return {}
    return {"magnetisation": {k: float(np.mean([e[k] for e in entries])) for k in entries[0]}}


def run_experiment(ctx: Context, name: str, system: str, units: dict, out: dict) -> dict:
    """One experiment's metrics entry: the training mixture's own read-outs, and both CD
    variants from their units (``units[(cd, seed)]``)."""
    x_train, _ = ctx.training_sets[name]
    clf, t_vals = ctx.classifiers[system], ctx.temps[system]
    mix = read(collection_distribution(clf, x_train), t_vals)
    mixture = read_collection(state_probabilities(clf, x_train), ctx.curves[system], t_vals)
    mixture_gd = nearest_temperature(
        collection_distribution(ctx.gd_classifiers[system], x_train), ctx.gd_curves[system], t_vals
    )[0]
    half_width = 0.5 * (mixture["interval"][1] - mixture["interval"][0])  # a 68 % interval
    entry: dict = {
        "n_train": len(x_train),
        "training_mixture": {"thermal": mixture["t"], "thermal_error": half_width,
                             "thermal_gd": mixture_gd, "classifier": mix.expected,
                             "energy": ctx.energy[system](x_train)},
    }  # fmt: skip
    for cd in CD_MODES:
        seeds = [units[(cd, seed)] for seed in range(ctx.section.n_seeds)]
        entry[f"cd_{cd}"] = cd_variant(ctx, name, system, cd, seeds, out)
    return entry


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    ctx = context(stage)
    exps = experiments(stage, ctx.temps)
    keys = [(name, system, cd, seed) for name, (system, _) in exps.items()
            for cd in CD_MODES for seed in range(p.n_seeds)]  # fmt: skip
    done = stage.run_units(seed_unit, keys, "RBMs", shared=ctx)
    units = {(k[0], k[2], k[3]): u for k, u in zip(keys, done, strict=True)}
    out: dict = {"models": {}, "figures": {}, "rows": []}
    metrics = {name: run_experiment(ctx, name, system, {(cd, s): u for (n, cd, s), u in
                                                        units.items() if n == name}, out)
               for name, (system, _) in exps.items()}  # fmt: skip
    metrics["sensitivity"], metrics["hidden_sweep"] = sweeps(stage, ctx)
    metrics["calibration"] = calibrations(stage, ctx)
    metrics["zigzag"] = zigzag(ctx, out["figures"][("lattice_high", "sampled", "sampled")])
    metrics["reference"] = {"t_c_exact": T_C, "chain_decimation": decimation_reference(ctx)}
    write_dir_npz(stage.path(OUT), out["models"])
    stage.add_artifact(stage.path(OUT), "models")
    columns = ["experiment", "cd", "flow", "seed", "t_start", "step", "classifier", "energy"]
    formats = {"t_start": "g", "classifier": ".4g", "energy": ".4g"}
    path = stage.path(CURVES_RBM_ISING_FLOWS)
    stage.add_artifact(write_csv(path, columns, out["rows"], formats), "plots")
    save_figures(stage, out["figures"], ctx.temps)
    stage.finish(metrics, method={"readout": "nearest_thermal_curve"})


ZIGZAG_WINDOW = (3.0, 5.0)  # classes "around T = 4" (footnote to fig. 4.7)
ZIGZAG_FROM = 4.0  # the thermal curves it is absent from: "all temperature distributions T >= 4"


def zigzag(ctx: Context, high) -> dict:
    """The footnote to fig. 4.7: the end-of-flow distributions of the RBM trained on the
    high-temperature regime "might look like the high temperature distribution (T > 4) but note
    the zig-zag in the high temperature distribution around T = 4 which is absent for all
    temperature distributions T >= 4". Counted as the direction changes of each curve over the
    classes in ``ZIGZAG_WINDOW``: the mean over the flow's end curves (seed 0, one per starting
    T, sampled CD and flow) minus the mean over the thermal curves at T >= 4 (same set size),
    with the standard error of that difference from both spreads."""
    t = ctx.temps["lattice"]
    window = (t >= ZIGZAG_WINDOW[0]) & (t <= ZIGZAG_WINDOW[1])
    end = np.array([direction_changes(d[window]) for d in high.final_distribution], float)
    thermal = np.array([direction_changes(c[window])
                        for c, tk in zip(ctx.curves["lattice"], t, strict=True)
                        if tk >= ZIGZAG_FROM], float)  # fmt: skip
    error = np.sqrt(end.var(ddof=1) / len(end) + thermal.var(ddof=1) / len(thermal))
    return {"end_mean": float(end.mean()), "thermal_mean": float(thermal.mean()),
            "thermal_max": float(thermal.max()), "excess": float(end.mean() - thermal.mean()),
            "excess_error": float(error), "window": list(ZIGZAG_WINDOW)}  # fmt: skip


def decimation_reference(ctx: Context, steps: int = 20) -> dict:
    """The RG reference beside the 1D RBM flow (fig. 3.1): exact chain decimation
    tanh K' = tanh^2 K from every starting temperature T > 0 (K = 1/T) flows to K = 0
    (T = inf), the opposite of the RBM flow; T = 0 is the repulsive fixed point and stays.
    Returns the largest coupling left after ``steps`` steps."""
    t = ctx.temps["chain"]
    flow = chain_decimation_flow(1.0 / t[t > 0], steps)
    return {"steps": steps, "max_final_coupling": float(flow[-1].max())}


def sweep_unit(ctx: Context, system: str, n_hidden: int, epochs: int,
               lr: float) -> tuple[float, float]:  # fmt: skip
    """Endpoint of the all-T flow of one RBM (sampled CD and flow, seed ``seed``; a unit):
    the thesis's nearest-thermal-curve read-out and the classifier's expected T."""
    p, sets = ctx.section, ctx.sets[system]
    x_train, x_test = sets["train"]["spins"], sets["test"]["spins"]
    gen = torch.Generator().manual_seed(p.seed)
    rbm = RBM(x_train.shape[1], n_hidden, generator=gen, device=ctx.device)
    tr = rbm_training(p.training, len(x_train), p.seed, epochs=epochs, lr=lr, cd_mode="sampled")
    train_rbm(rbm, torch.as_tensor(x_train), torch.as_tensor(x_test), tr)
    out = read_flow(rbm, ctx.starts[system], p.flow_steps, "sampled", p.seed,
                    ctx.classifiers[system], ctx.temps[system])  # fmt: skip
    return thesis_readout(ctx, system, out.final_states)["t"], float(out.expected[:, -1].mean())


def spread(grid: dict[str, float], expected: dict[str, float]) -> dict:
    """A sweep's endpoints by both read-outs, with their extremes and ranges."""
    values, values_expected = np.array(list(grid.values())), np.array(list(expected.values()))
    return {
        "endpoints": grid,
        "endpoints_expected": expected,
        "min": float(values.min()),
        "max": float(values.max()),
        "range": float(values.max() - values.min()),
        "range_expected": float(values_expected.max() - values_expected.min()),
    }


def sweeps(stage: Stage, ctx: Context) -> tuple[dict, dict]:
    """The two sweeps of the all-T flow, one seed each (sampled CD and flow), read by the
    thesis's nearest thermal curve and by the expected T:

    - sensitivity: the 2D endpoint vs epochs and lr;
    - hidden units: each system's endpoint vs the number of hidden units. The thesis states 4
      (chain, sec. 4.2) and 25 (lattice, sec. 4.3) and nothing on how the flow depends on it;
      the training settings are the main line's.
    """
    p = stage.section
    grid = [("lattice", p.lattice_hidden, int(e), lr) for e in p.sweep_epochs for lr in p.sweep_lr]
    hidden = [(system, int(n), p.training.epochs, p.training.lr)
              for system, sizes in (("chain", p.sweep_hidden_chain),
                                    ("lattice", p.sweep_hidden_lattice))
              for n in sizes]  # fmt: skip
    ends = stage.run_units(sweep_unit, grid + hidden, "sweeps", shared=ctx)
    thesis = {f"e{u[2]}_lr{u[3]:g}": e[0] for u, e in zip(grid, ends, strict=False)}
    expected = {f"e{u[2]}_lr{u[3]:g}": e[1] for u, e in zip(grid, ends, strict=False)}
    rows = [(u[2], u[3], e[0], e[1]) for u, e in zip(grid, ends, strict=False)]
    columns = ["epochs", "lr", "endpoint_thesis", "endpoint_expected"]
    path = stage.path(TABLE_RBM_ISING_SENSITIVITY)
    formats = {"lr": "g", "endpoint_thesis": ".4g", "endpoint_expected": ".4g"}
    stage.add_artifact(write_csv(path, columns, rows, formats), "tables")
    by_hidden: dict = {}
    hidden_rows = []
    for u, e in zip(hidden, ends[len(grid) :], strict=True):
        t, x = by_hidden.setdefault(u[0], ({}, {}))
        t[f"h{u[1]}"], x[f"h{u[1]}"] = e
        hidden_rows.append((u[0], u[1], e[0], e[1]))
    columns = ["system", "hidden", "endpoint_thesis", "endpoint_expected"]
    path = stage.path(TABLE_RBM_ISING_HIDDEN_SWEEP)
    formats = {"endpoint_thesis": ".4g", "endpoint_expected": ".4g"}
    stage.add_artifact(write_csv(path, columns, hidden_rows, formats), "tables")
    return spread(thesis, expected), {s: spread(*v) for s, v in by_hidden.items()}


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
    for (name, cd, flow), res in figures.items():  # figs. 4.2-4.3, 4.6-4.8: the end curves
        if cd == "sampled" and flow == "sampled":
            system = "chain" if name.startswith("chain") else "lattice"
            t_vals = temps[system]
            fig = plots_rbm.probability_curves(
                t_vals, res.final_distribution, t_vals, "T (classifier class)",
                f"{name}: classifier output at the end of the flow, by starting T",
            )  # fmt: skip
            write_figure(stage.path(f"reports/figures/rbm_ising/{name}_end_curves.png"), fig)
    stage.add_artifact(stage.path(FIGURES_RBM_ISING), "figures/rbm_ising")
