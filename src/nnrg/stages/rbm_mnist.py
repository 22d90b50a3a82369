"""Stage rbm_mnist: RBMs (784 -> 49, {0, 1} units) on two MNIST digits and the flow of every
digit's held-out set, read by the digit classifier (study 002 sec. 4.4, figs. 4.12-4.15).

Experiments: fours and eights; plus linear mixtures n' = (1 - a) n_4 + a n_8 for
a = 0.1 ... 0.9; fours and nines, with and without mixtures; fours and nines with noise
n' = (1 - a) n + a eta (eta uniform in {0, 1}) for the ``noise_levels``. The embedded data hold
~300 training digits per class instead of the paper's ~2700, so mixtures are scaled with
``mix_per_alpha`` (the paper: 500 per alpha). Fixed points are counted as the distinct digits
the ten starting sets end on.
"""

from __future__ import annotations

import numpy as np
import torch

from nnrg import plots_rbm
from nnrg.analysis.rbm_flow import distinct_endpoints, read_flow
from nnrg.datasets import mixtures, noisy
from nnrg.models.rbm import RBM, train_rbm
from nnrg.stages import paths
from nnrg.stages.base import Stage
from nnrg.stages.io import read_npz, write_csv, write_dir_npz, write_figure
from nnrg.stages.rbm_common import load_classifier, rbm_training

DIGITS = np.arange(10)
OUT = "models/rbm_mnist"


def experiment_sets(
    train: dict, test: dict, p, rng: np.random.Generator
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Experiment name -> (training images, early-stopping images)."""

    def digits(data, ds):
        return data["images"][np.isin(data["labels"], ds)].astype(np.float64)

    out = {}
    for a, b in ((4, 8), (4, 9)):
        xa, xb = (train["images"][train["labels"] == d].astype(np.float64) for d in (a, b))
        base, held = digits(train, [a, b]), digits(test, [a, b])
        out[f"d{a}{b}"] = (base, held)
        out[f"d{a}{b}_mix"] = (np.concatenate([base, mixtures(xa, xb, p.mix_per_alpha, rng)]), held)
    x49 = digits(train, [4, 9])
    out["d49_noise"] = (noisy(x49, list(p.noise_levels), rng), digits(test, [4, 9]))
    return out


def load_sets(stage: Stage) -> dict[str, dict[str, np.ndarray]]:
    """The MNIST train / test / held-out split written by ``rbm_classifiers``."""
    schema = {"images": (None, 784), "labels": (None,)}
    return {
        n: read_npz(stage.path(f"{paths.MNIST}/{n}.npz"), require=schema)
        for n in ("train", "test", "heldout")
    }


def run_seed(stage: Stage, x_train, x_test, starts, clf, seed: int):
    """Train one RBM (seed ``seed``) and flow every digit's starting set through it."""
    p = stage.section
    gen = torch.Generator().manual_seed(p.seed + seed)
    rbm = RBM(784, p.hidden, units="binary", generator=gen)
    tr = rbm_training(p.training, len(x_train), p.seed + seed)
    train_rbm(rbm, torch.as_tensor(x_train), torch.as_tensor(x_test), tr)
    flow = read_flow(rbm, starts, p.flow_steps, "sampled", p.seed + seed, clf, DIGITS.astype(float))
    return rbm, flow


def run_experiments(stage: Stage, data: dict, sets: dict) -> tuple[dict, dict, dict, list]:
    """Every experiment and seed: metrics, RBM states, seed 0's final distributions, rows."""
    p = stage.section
    clf = load_classifier(stage, "mnist", 784, 10)
    held = data["heldout"]
    starts = [held["images"][held["labels"] == d][: p.n_start].astype(np.float64) for d in DIGITS]
    metrics, models, finals, rows = {}, {}, {}, []
    bar = stage.progress(total=len(sets) * p.n_seeds, desc="MNIST RBMs")
    for name, (x_train, x_test) in sets.items():
        counts, ends = [], []
        for seed in range(p.n_seeds):
            rbm, out = run_seed(stage, x_train, x_test, starts, clf, seed)
            models[f"{name}__seed{seed}"] = rbm.state()
            counts.append(distinct_endpoints(out.final_distribution, DIGITS))
            ends.append(out.final_distribution.argmax(axis=1).tolist())
            if seed == 0:
                finals[name] = out.final_distribution
                rows += [(name, seed, d, j, out.expected[d, j], out.argmax[d, j])
                         for d in DIGITS for j in range(p.flow_steps + 1)]  # fmt: skip
            bar.update()
        metrics[name] = {
            "n_train": len(x_train),
            "n_fixed_points": counts,
            "n_fixed_points_max": int(max(counts)),
            "n_fixed_points_min": int(min(counts)),
            "end_digit_per_start": ends,
        }
    bar.close()
    return metrics, models, finals, rows


def main() -> None:
    stage = Stage("rbm_mnist", uses=("rbm_classifiers",))
    p = stage.section
    data = load_sets(stage)
    sets = experiment_sets(data["train"], data["test"], p, np.random.default_rng(p.seed))
    metrics, models, finals, rows = run_experiments(stage, data, sets)
    write_dir_npz(stage.path(OUT), models)
    stage.add_artifact(stage.path(OUT), "models")
    columns = ["experiment", "seed", "start_digit", "step", "expected_digit", "argmax_digit"]
    path = stage.path("reports/plots/rbm_mnist_flows.csv")
    formats = {"expected_digit": ".4g", "argmax_digit": "g"}
    stage.add_artifact(write_csv(path, columns, rows, formats), "plots")
    fig = plots_rbm.endpoint_distributions(DIGITS, finals, "digit read-out", DIGITS)
    path = stage.path("reports/figures/rbm_mnist_endpoints.png")
    stage.add_artifact(write_figure(path, fig), "figures")
    per_digit = np.bincount(data["train"]["labels"], minlength=10)
    metrics["per_digit_train"] = per_digit.tolist()
    method = {"train_digits_per_class": int(np.median(per_digit)), "noise_values": [0, 1]}
    method["fixed_point_count"] = "argmax_digit"
    stage.finish(metrics, method=method)
