"""Stage rbm_mnist: RBMs (784 -> 49, {0, 1} units) on two MNIST digits and the flow of every
digit's held-out set, read by the digit classifier (study 002 sec. 4.4, figs. 4.12-4.15).

Experiments: fours and eights; plus linear mixtures n' = (1 - a) n_4 + a n_8 for
a = 0.1 ... 0.9; fours and nines, with and without mixtures; fours and nines with noise
n' = (1 - a) n + a eta, eta in {-1, 1} (eq. 4.4.2; {0, 1} beside it), for the
``noise_levels``. The embedded data hold ~300 training digits per class instead of the thesis's
~2700, so every added set keeps the thesis's ratios: mixtures ``mix_ratio`` x digits per class
per alpha (500 / 2700), its non-converging control ``mix_ratio_small`` (100 / 2700), noise
split evenly over the levels (450 per alpha per 2700 digits). Each flow runs until it
converges (``converge_tol``) or hits the ``flow_steps`` cap, and fixed points are groups of
final distributions within ``group_distance`` (L1) of each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from nnrg.core.declare import Plot, StageSpec
from nnrg.core.io import Shape, read_npz, write_csv, write_dir_npz, write_figure
from nnrg.core.stage import Stage
from nnrg.ising.datasets import mixtures, noisy
from nnrg.numerics.stats import seed_summary
from nnrg.studies.rbm_flow import paths
from nnrg.studies.rbm_flow import plots as plots_rbm
from nnrg.studies.rbm_flow.analysis.flow import (
    WINDOW,
    convergence_step,
    distinct_endpoints,
    fixed_point_groups,
    read_flow,
)
from nnrg.studies.rbm_flow.params import RbmClassifiersParams, RbmMnistParams
from nnrg.studies.rbm_flow.rbm import RBM, train_rbm
from nnrg.studies.rbm_flow.stages.common import load_classifier, rbm_training

FIGURE_RBM_MNIST_ENDPOINTS = "reports/figures/rbm_mnist_endpoints.png"
CURVES_RBM_MNIST_FLOWS = "reports/plots/rbm_mnist_flows.csv"


STAGE = StageSpec(
    "rbm_mnist",
    RbmMnistParams,
    uses={"rbm_classifiers": RbmClassifiersParams},
    tracks=("pipeline.device",),
    deps=(
        paths.MNIST,
        paths.CLASSIFIERS,
    ),
    outs=(
        "models/rbm_mnist",
        FIGURE_RBM_MNIST_ENDPOINTS,
        CURVES_RBM_MNIST_FLOWS,
    ),
    headline=(
        "d48.n_fixed_points_mean",
        "d49.n_fixed_points_mean",
    ),
    smoke={"flow_steps": 2, "n_start": 3, "training": {"epochs": 1, "min_updates": 10}},
    plots={
        "rbm_mnist_flow": Plot(
            "nnrg_mnist_flow",
            "Study 002: RBM flows on MNIST digits, read by the digit classifier",
            "step",
            {CURVES_RBM_MNIST_FLOWS: "expected_digit"},
            "RBM flow step",
            "expected digit under the classifier",
        ),
    },
)


DIGITS = np.arange(10)
OUT = "models/rbm_mnist"


def experiment_sets(
    train: dict, test: dict, p, rng: np.random.Generator
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Experiment name -> (training images, early-stopping images)."""

    def digits(data, ds):
        return data["images"][np.isin(data["labels"], ds)].astype(np.float64)

    out = {}
    per_class = int(np.median(np.bincount(train["labels"], minlength=10)))
    for a, b in ((4, 8), (4, 9)):
        xa, xb = (train["images"][train["labels"] == d].astype(np.float64) for d in (a, b))
        base, held = digits(train, [a, b]), digits(test, [a, b])
        out[f"d{a}{b}"] = (base, held)
        for tag, ratio in (("mix", p.mix_ratio), ("mix_small", p.mix_ratio_small)):
            per_alpha = max(1, int(round(ratio * per_class)))
            out[f"d{a}{b}_{tag}"] = (np.concatenate([base, mixtures(xa, xb, per_alpha, rng)]), held)
    x49, held49 = digits(train, [4, 9]), digits(test, [4, 9])
    values = tuple(int(v) for v in p.noise_values)
    out["d49_noise"] = (noisy(x49, list(p.noise_levels), rng, values), held49)
    out["d49_noise01"] = (noisy(x49, list(p.noise_levels), rng, (0, 1)), held49)
    return out


def load_sets(stage: Stage) -> dict[str, dict[str, np.ndarray]]:
    """The MNIST train / test / held-out split written by ``rbm_classifiers``."""
    schema: dict[str, Shape] = {"images": (None, 784), "labels": (None,)}
    return {
        n: read_npz(stage.path(f"{paths.MNIST}/{n}.npz"), require=schema)
        for n in ("train", "test", "heldout")
    }


@dataclass
class Shared:
    """What every (experiment, seed) unit reads."""

    section: RbmMnistParams
    sets: dict[str, tuple[np.ndarray, np.ndarray]]
    starts: list[np.ndarray]
    classifier: torch.nn.Module
    device: torch.device


def seed_unit(shared: Shared, name: str, seed: int) -> dict:
    """One RBM (a unit, e.g. a Ray task): trained on experiment ``name``'s set with seed
    ``seed``, every digit's starting set flowed through it; its state, the flow's end
    (:func:`endpoint`) and the per-step read-outs."""
    p = shared.section
    x_train, x_test = shared.sets[name]
    gen = torch.Generator().manual_seed(p.seed + seed)
    rbm = RBM(784, p.hidden, units="binary", generator=gen, device=shared.device)
    tr = rbm_training(p.training, len(x_train), p.seed + seed)
    train_rbm(rbm, torch.as_tensor(x_train), torch.as_tensor(x_test), tr)
    out = read_flow(rbm, shared.starts, p.flow_steps, "sampled", p.seed + seed,
                    shared.classifier, DIGITS.astype(float))  # fmt: skip
    return {"state": rbm.state(), "end": endpoint(out, p), "expected": out.expected,
            "argmax": out.argmax}  # fmt: skip


def run_experiments(stage: Stage, data: dict, sets: dict) -> tuple[dict, dict, dict, list]:
    """Every experiment and seed: metrics, RBM states, seed 0's final distributions, rows."""
    p = stage.section
    clf = load_classifier(stage, "mnist", 784, 10)
    held = data["heldout"]
    starts = [held["images"][held["labels"] == d][: p.n_start].astype(np.float64) for d in DIGITS]
    keys = [(name, seed) for name in sets for seed in range(p.n_seeds)]
    shared = Shared(p, sets, starts, clf, stage.device)
    done = dict(zip(keys, stage.run_units(seed_unit, keys, "MNIST RBMs", shared=shared),
                    strict=True))  # fmt: skip
    metrics, models, finals, rows = {}, {}, {}, []
    for name, (x_train, _) in sets.items():
        seeds = []
        for seed in range(p.n_seeds):
            unit = done[(name, seed)]
            models[f"{name}__seed{seed}"] = unit["state"]
            seeds.append(unit["end"])
            finals[f"{name} (seed {seed})"] = seeds[-1]["final"]
            rows += [(name, seed, d, j, unit["expected"][d, j], unit["argmax"][d, j])
                     for d in DIGITS for j in range(unit["expected"].shape[1])]  # fmt: skip
        metrics[name] = summarise_seeds(len(x_train), seeds)
    return metrics, models, finals, rows


def endpoint(out, p) -> dict:
    """One flow's end: the convergence step (None: the cap was hit, the last step is used),
    the final distributions there (each set's mean over the criterion's last window, which
    averages out the collection's sampling noise), the fixed points as groups of them, and
    the argmax count."""
    step = convergence_step(out.distributions, p.converge_tol)
    end = out.distributions.shape[0] - 1 if step is None else step
    final = out.distributions[max(0, end - WINDOW + 1) : end + 1].mean(axis=0)
    groups = fixed_point_groups(final, p.group_distance)
    return {"step": step, "final": final, "groups": groups,
            "argmax_count": distinct_endpoints(final, DIGITS),
            "one_stays": float(final[1, 1])}  # fmt: skip


def summarise_seeds(n_train: int, seeds: list[dict]) -> dict:
    """Per experiment: fixed-point counts per seed (grouping and argmax), their min / max /
    mean, how many flows hit the cap, the convergence steps, and ``one_stays``: the share of
    the read-out that the ones' flow keeps on "1" at its end (sec. 4.4 on fig. 4.12: "the high
    peak at one, for some reason this is a fixed point"; for fours and nines it "has
    disappeared"), over seeds."""
    counts = [len(s["groups"]) for s in seeds]
    argmax = [s["argmax_count"] for s in seeds]
    return {
        "n_train": n_train,
        "n_fixed_points": counts,
        "n_fixed_points_max": int(max(counts)),
        "n_fixed_points_min": int(min(counts)),
        "n_fixed_points_mean": float(np.mean(counts)),
        "argmax_fixed_points": argmax,
        "argmax_fixed_points_max": int(max(argmax)),
        "argmax_fixed_points_min": int(min(argmax)),
        "single_fixed_point_seeds": int(sum(c == 1 for c in counts)),
        "cap_hit": int(sum(s["step"] is None for s in seeds)),
        "convergence_steps": [s["step"] for s in seeds],
        "groups": [s["groups"] for s in seeds],
        "one_stays": seed_summary([s["one_stays"] for s in seeds]),
    }


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    data = load_sets(stage)
    sets = experiment_sets(data["train"], data["test"], p, np.random.default_rng(p.seed))
    metrics, models, finals, rows = run_experiments(stage, data, sets)
    write_dir_npz(stage.path(OUT), models)
    stage.add_artifact(stage.path(OUT), "models")
    columns = ["experiment", "seed", "start_digit", "step", "expected_digit", "argmax_digit"]
    path = stage.path(CURVES_RBM_MNIST_FLOWS)
    formats = {"expected_digit": ".4g", "argmax_digit": "g"}
    stage.add_artifact(write_csv(path, columns, rows, formats), "plots")
    fig = plots_rbm.endpoint_distributions(DIGITS, finals, "digit read-out", DIGITS, p.n_seeds)
    path = stage.path(FIGURE_RBM_MNIST_ENDPOINTS)
    stage.add_artifact(write_figure(path, fig), "figures")
    per_digit = np.bincount(data["train"]["labels"], minlength=10)
    metrics["per_digit_train"] = per_digit.tolist()
    method = {"train_digits_per_class": int(np.median(per_digit)),
              "noise_values": [int(v) for v in p.noise_values]}  # fmt: skip
    method["fixed_point_count"] = "grouped_final_distributions"
    stage.finish(metrics, method=method)
