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
from nnrg.models.rbm import RBM, RbmTraining, train_rbm
from nnrg.stages.base import Stage
from nnrg.stages.io import read_npz, replace_dir, write_figure, write_npz, write_text
from nnrg.stages.rbm_common import MNIST_DIR, epochs_for, load_classifier

DIGITS = np.arange(10)


def mixtures(a: np.ndarray, b: np.ndarray, per_alpha: int, rng: np.random.Generator) -> np.ndarray:
    """(1 - alpha) a_i + alpha b_j for alpha = 0.1 ... 0.9, ``per_alpha`` random pairs each."""
    out = []
    for alpha in np.round(np.arange(1, 10) / 10, 1):
        i = rng.integers(0, len(a), per_alpha)
        j = rng.integers(0, len(b), per_alpha)
        out.append((1 - alpha) * a[i] + alpha * b[j])
    return np.concatenate(out) if out else np.empty((0, a.shape[1]))


def noisy(x: np.ndarray, levels: list[float], rng: np.random.Generator) -> np.ndarray:
    """Each level's share of ``x`` mixed with uniform {0, 1} noise: (1 - a) n + a eta."""
    parts = np.array_split(rng.permutation(len(x)), len(levels))
    out = [
        (1 - a) * x[idx] + a * rng.integers(0, 2, size=x[idx].shape)
        for a, idx in zip(levels, parts, strict=True)
    ]
    return np.concatenate(out)


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


def main() -> None:
    stage = Stage("rbm_mnist", uses=("rbm_classifiers",))
    p = stage.section
    data = {
        n: read_npz(
            stage.path(f"{MNIST_DIR}/{n}.npz"), require={"images": (None, 784), "labels": (None,)}
        )
        for n in ("train", "test", "heldout")
    }
    clf = load_classifier(stage, "mnist", 784, 10)
    held = data["heldout"]
    starts = [held["images"][held["labels"] == d][: p.n_start].astype(np.float64) for d in DIGITS]
    rng = np.random.default_rng(p.seed)
    sets = experiment_sets(data["train"], data["test"], p, rng)
    metrics, models, finals = {}, {}, {}
    rows = ["experiment,seed,start_digit,step,expected_digit,argmax_digit"]
    bar = stage.progress(total=len(sets) * p.n_seeds, desc="MNIST RBMs")
    for name, (x_train, x_test) in sets.items():
        counts, ends = [], []
        for seed in range(p.n_seeds):
            rbm = RBM(
                784,
                p.hidden,
                units="binary",
                generator=torch.Generator().manual_seed(p.seed + seed),
            )
            t = p.training
            train_rbm(
                rbm,
                torch.as_tensor(x_train),
                torch.as_tensor(x_test),
                RbmTraining(
                    epochs_for(t, len(x_train)), t.lr, t.batch_size, t.k, t.cd_mode, p.seed + seed
                ),
            )
            models[f"{name}__seed{seed}"] = rbm.state()
            out = read_flow(
                rbm, starts, p.flow_steps, "sampled", p.seed + seed, clf, DIGITS.astype(float)
            )
            counts.append(distinct_endpoints(out.final_distribution, DIGITS))
            ends.append(out.final_distribution.argmax(axis=1).tolist())
            if seed == 0:
                finals[name] = out.final_distribution
                rows += [
                    f"{name},{seed},{d},{j},{out.expected[d, j]:.4g},{out.argmax[d, j]:g}"
                    for d in DIGITS
                    for j in range(p.flow_steps + 1)
                ]
            bar.update()
        metrics[name] = {
            "n_train": len(x_train),
            "n_fixed_points": counts,
            "n_fixed_points_max": int(max(counts)),
            "n_fixed_points_min": int(min(counts)),
            "end_digit_per_start": ends,
        }
    bar.close()
    replace_dir(
        stage.path("models/rbm_mnist"),
        lambda tmp: [write_npz(tmp / f"{k}.npz", **v) for k, v in models.items()],
    )
    stage.add_artifact(stage.path("models/rbm_mnist"), "models")
    stage.add_artifact(
        write_text(stage.path("reports/plots/rbm_mnist_flows.csv"), "\n".join(rows) + "\n"), "plots"
    )
    fig = plots_rbm.endpoint_distributions(DIGITS, finals, "digit read-out", DIGITS)
    stage.add_artifact(
        write_figure(stage.path("reports/figures/rbm_mnist_endpoints.png"), fig), "figures"
    )
    per_digit = np.bincount(data["train"]["labels"], minlength=10)
    metrics["per_digit_train"] = per_digit.tolist()
    stage.finish(
        metrics,
        method={
            "train_digits_per_class": int(np.median(per_digit)),
            "noise_values": [0, 1],
            "fixed_point_count": "argmax_digit",
        },
    )
