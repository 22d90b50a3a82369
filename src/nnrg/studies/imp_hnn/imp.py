"""Iterative magnitude pruning with rewinding (thesis Algorithm 1): prune, rewind, train.

Each IMP iteration: rewind every surviving weight (and every bias) to its initial value, train,
record the loss and the per-layer |m theta| sums, then prune the chosen layers of each replica
group down to the geometric schedule round(N (1 - x)^n) by |theta| (or a control score).
Biases are never pruned. Replica groups let one batched model run several pruning modes at once
(per-layer modes, or IMP next to its controls) on shared initial weights.

A run can stop after any completed iteration and go on later (:class:`ImpProgress`: the masks
to train next, the control generator's state and the results so far; ``imp(resume=...)``).
Each iteration trains from the rewound weights with the recipe's own seed, so a resumed run
gives the bytes of an uninterrupted one (``tests/imp_hnn/test_imp_resume.py``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from nnrg.core.devices import uniform
from nnrg.studies.imp_hnn.hnn import LAYERS, BatchedHNN, assign_replicas, replica_subset
from nnrg.studies.imp_hnn.masks import keep_largest, scheduled_keep
from nnrg.studies.imp_hnn.training import HnnProblem, HnnTraining, evaluate_hnn, train_hnn

Scores = list[torch.Tensor]
ScoreFn = Callable[[list[torch.Tensor], list[torch.Tensor], torch.Generator], Scores]


def magnitude_scores(weights: Scores, initial: Scores, gen: torch.Generator) -> Scores:
    """IMP: rank by |theta| (the trained weights; :func:`keep_largest` takes |score|)."""
    return [w.detach() for w in weights]


def random_scores(weights: Scores, initial: Scores, gen: torch.Generator) -> Scores:
    """Control: uniform random scores (drawn on the CPU generator, so every device prunes
    alike): removes weights at random at the same rate."""
    return [uniform(w.shape, gen, w) for w in weights]


def layer_normalised_scores(weights: Scores, initial: Scores, gen: torch.Generator) -> Scores:
    """Control: |theta| / (std of the layer's initial weights, per replica), so no layer is
    pruned first merely for its initialisation scale."""
    scale = [w0.reshape(w0.shape[0], -1).std(dim=1) for w0 in initial]
    return [w.detach() / c[:, None, None] for w, c in zip(weights, scale, strict=True)]


PRUNING_SCORES: dict[str, ScoreFn] = {
    "magnitude": magnitude_scores,
    "random": random_scores,
    "layer_normalised": layer_normalised_scores,
}
"""Pruning strategies by name (a ``PruneGroup.method``): IMP and its two retrained controls."""


def pruning_score(name: str) -> ScoreFn:
    """The score function of strategy ``name``; an unknown name lists the valid ones."""
    try:
        return PRUNING_SCORES[name]
    except KeyError:
        raise ValueError(f"method must be one of {tuple(PRUNING_SCORES)}, got {name!r}") from None


@dataclass(frozen=True)
class PruneGroup:
    """Replicas ``start:stop`` pruned alike: which layers (jointly ranked), by what score, at
    what rate, and for how many iterations (``None``: every iteration of the run).

    ``magnitude``: |theta| (IMP); ``random``: uniform random scores (control);
    ``layer_normalised``: |theta| / std of the layer's initial weights (control).
    Groups with fewer prunings keep their last mask and keep training (free in a batch that
    is overhead-bound); read their results up to iteration ``n_prunings``.
    """

    start: int
    stop: int
    layers: tuple[str, ...]
    method: str = "magnitude"
    fraction: float = 0.01
    n_prunings: int | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.fraction < 1.0:
            raise ValueError(f"fraction must be in (0, 1), got {self.fraction}")
        pruning_score(self.method)  # an unknown strategy fails here, naming the valid ones
        unknown = set(self.layers) - set(LAYERS)
        if unknown or not self.layers:
            raise ValueError(f"layers must be a non-empty subset of {LAYERS}, got {self.layers}")


@dataclass
class ImpResult:
    """Per iteration (axis 0) and replica (axis 1): overall density, residual loss, per-layer
    density and summed |m theta| ``(n_iter, R, 3)``, and packed masks per layer
    ``(n_iter, R, bytes)`` (``np.unpackbits`` and the layer's size restore them)."""

    density: np.ndarray
    loss: np.ndarray
    layer_density: np.ndarray
    layer_magnitude: np.ndarray
    masks: dict[str, np.ndarray]

    def replicas(self, start: int, stop: int, n_iter: int | None = None) -> ImpResult:
        """Replicas ``start .. stop - 1`` (one group of a batched run), iterations 0 .. n_iter
        (all if None)."""
        its, rows = slice(0, None if n_iter is None else n_iter + 1), slice(start, stop)
        return ImpResult(
            self.density[its, rows],
            self.loss[its, rows],
            self.layer_density[its, rows],
            self.layer_magnitude[its, rows],
            {n: bits[its, rows] for n, bits in self.masks.items()},
        )


@dataclass
class ImpProgress:
    """Where an IMP run stands after iteration ``iteration``: the results of iterations
    0 .. ``iteration`` (``history``), the masks the next iteration trains ``(R, *shape)`` per
    layer, and the state of the generator that draws random control scores."""

    iteration: int
    history: ImpResult
    masks: dict[str, np.ndarray]
    generator_state: np.ndarray


def group_bins(groups: list[PruneGroup], n_bins: int, n_iterations: int) -> list[list[PruneGroup]]:
    """The groups split into at most ``n_bins`` bins of about equal cost (replicas x
    iterations trained; largest first onto the cheapest bin), each bin's groups in replica
    order. A group whose scores are per replica (``magnitude``, ``layer_normalised``) may be
    cut into pieces of single replicas; random-score groups stay whole and share one bin, in
    their order: they draw from one generator per run, so a bin that holds all of them draws
    exactly what the whole batch draws."""

    def cost(g: PruneGroup) -> int:
        steps = n_iterations if g.n_prunings is None else g.n_prunings
        return (g.stop - g.start) * (steps + 1)

    random = [g for g in groups if g.method == "random"]
    items = [random] if random else []
    items += [[dataclasses.replace(g, start=r, stop=r + 1)]
              for g in groups if g.method != "random" for r in range(g.start, g.stop)]  # fmt: skip
    items.sort(key=lambda item: -sum(cost(g) for g in item))  # stable: ties keep replica order
    bins: list[list[PruneGroup]] = [[] for _ in range(max(1, min(n_bins, len(items))))]
    for item in items:
        min(bins, key=lambda b: sum(cost(g) for g in b)).extend(item)
    return [_merge_pieces(sorted(b, key=lambda g: g.start)) for b in bins if b]


def _merge_pieces(groups: list[PruneGroup]) -> list[PruneGroup]:
    """Adjacent per-replica pieces with the same settings joined again (replicas are pruned
    one by one, so a joined group prunes each exactly as its piece would)."""

    def settings(g: PruneGroup) -> PruneGroup:
        return dataclasses.replace(g, start=0, stop=1)

    out: list[PruneGroup] = []
    for g in groups:
        last = out[-1] if out else None
        joins = last is not None and last.stop == g.start and settings(last) == settings(g)
        if joins and g.method != "random":
            out[-1] = dataclasses.replace(out[-1], stop=g.stop)
        else:
            out.append(g)
    return out


@dataclass(frozen=True)
class ImpBin:
    """One bin of :func:`group_bins`: the replicas it holds (``rows`` of the whole batch, in
    order) and its groups re-based to them (replica 0 of the bin is ``rows[0]``)."""

    rows: np.ndarray
    groups: list[PruneGroup]


def bin_plan(groups: list[PruneGroup], n_bins: int, n_iterations: int) -> list[ImpBin]:
    """:func:`group_bins` with each bin's replicas and re-based groups: run bin k's groups on
    a model of the replicas ``rows`` and join the results with :func:`scatter_results`."""
    plan = []
    for b in group_bins(groups, n_bins, n_iterations):
        rebased, start = [], 0
        for g in b:
            rebased.append(dataclasses.replace(g, start=start, stop=start + g.stop - g.start))
            start = rebased[-1].stop
        plan.append(ImpBin(np.concatenate([np.arange(g.start, g.stop) for g in b]), rebased))
    return plan


def scatter_results(parts: list[ImpResult], rows: list[np.ndarray], n_replicas: int) -> ImpResult:
    """One result for ``n_replicas`` replicas from partial results whose replica axis holds
    the replicas ``rows[k]`` (same iterations in every part)."""

    def join(arrays: list[np.ndarray]) -> np.ndarray:
        out = np.empty((arrays[0].shape[0], n_replicas, *arrays[0].shape[2:]), arrays[0].dtype)
        for a, r in zip(arrays, rows, strict=True):
            out[:, r] = a
        return out

    return ImpResult(
        join([r.density for r in parts]),
        join([r.loss for r in parts]),
        join([r.layer_density for r in parts]),
        join([r.layer_magnitude for r in parts]),
        {n: join([r.masks[n] for r in parts]) for n in parts[0].masks},
    )


def layer_magnitudes(model: BatchedHNN) -> np.ndarray:
    """sum |m theta| per layer and replica, ``(R, 3)`` in LAYERS order."""
    with torch.no_grad():
        mags = torch.stack([model.masked(n).abs().sum(dim=(1, 2)) for n in LAYERS], dim=1)
        return mags.cpu().numpy()


def _scores(
    model: BatchedHNN, group: PruneGroup, init_w: dict[str, torch.Tensor], gen: torch.Generator
) -> Scores:
    rows = slice(group.start, group.stop)
    weights = [model.weights[n][rows] for n in group.layers]
    initial = [init_w[n][rows] for n in group.layers]
    return pruning_score(group.method)(weights, initial, gen)


def active_rows(groups: list[PruneGroup], iteration: int) -> list[int]:
    """Replicas still in their schedule at ``iteration`` (a group with ``n_prunings`` = k is
    trained at iterations 0 .. k and then stops)."""
    return [
        r
        for g in groups
        if g.n_prunings is None or iteration <= g.n_prunings
        for r in range(g.start, g.stop)
    ]


def train_active(
    model: BatchedHNN, problem: HnnProblem, tr: HnnTraining, groups: list[PruneGroup], it: int
) -> np.ndarray:
    """Train the replicas still in their schedule; the others' losses are NaN (their last
    iteration's network is what is read)."""
    rows = active_rows(groups, it)
    if len(rows) == model.n_replicas:
        return train_hnn(model, problem, tr)
    loss = np.full(model.n_replicas, np.nan)
    if rows:
        index = torch.tensor(rows)
        part = replica_subset(model, index)
        loss[rows] = train_hnn(part, problem, tr)
        assign_replicas(model, index, part)
    return loss


def imp(
    model: BatchedHNN,
    problem: HnnProblem,
    tr: HnnTraining,
    groups: list[PruneGroup],
    n_iterations: int,
    retrain: bool = True,
    progress: Callable[[int], None] | None = None,
    resume: ImpProgress | None = None,
    save: Callable[[ImpProgress], None] | None = None,
) -> ImpResult:
    """Run IMP on every replica group of ``model``; see the module docstring.

    ``retrain=False`` is the no-training control: the "trained" weights are the initial ones,
    so masks follow the initial |theta| alone (losses are those of the rewound masked nets).
    ``resume``: go on from a saved :class:`ImpProgress` of this same run (``model`` holds the
    run's initial network); ``save`` is called with the progress after every iteration.
    """
    covered = sorted(r for g in groups for r in range(g.start, g.stop))
    if covered != list(range(model.n_replicas)):
        raise ValueError("prune groups must cover every replica exactly once")
    init_w = {n: w.detach().clone() for n, w in model.weights.items()}
    init_b = {n: b.detach().clone() for n, b in model.biases.items()}
    gen = torch.Generator().manual_seed(tr.seed + 1)  # CPU: the same masks on every device
    grid = torch.linspace(0.0, problem.t_max, tr.recipe.n_points, device=model.device)
    sizes = {n: model.masks[n][0].numel() for n in LAYERS}
    losses, mags, dens, layer_dens = [], [], [], []
    packed: dict[str, list[np.ndarray]] = {n: [] for n in LAYERS}
    start = 0
    if resume is not None:
        h = resume.history
        losses, mags = list(h.loss), list(h.layer_magnitude)
        dens, layer_dens = list(h.density), list(h.layer_density)
        packed = {n: list(h.masks[n]) for n in LAYERS}
        with torch.no_grad():
            for n in LAYERS:
                model.masks[n].copy_(torch.as_tensor(resume.masks[n], device=model.device))
        gen.set_state(torch.as_tensor(resume.generator_state, dtype=torch.uint8))
        start = resume.iteration + 1
    for it in range(start, n_iterations + 1):
        with torch.no_grad():
            for n in LAYERS:
                model.weights[n].copy_(init_w[n])
                model.biases[n].copy_(init_b[n])
        losses.append(
            train_active(model, problem, tr, groups, it) if retrain
            else evaluate_hnn(model, problem, grid)
        )  # fmt: skip
        mags.append(layer_magnitudes(model))
        kept = np.stack(
            [model.masks[n].reshape(model.n_replicas, -1).sum(dim=1).cpu().numpy() for n in LAYERS],
            axis=1,
        )
        layer_dens.append(kept / np.array([sizes[n] for n in LAYERS]))
        dens.append(kept.sum(axis=1) / sum(sizes.values()))
        for n in LAYERS:
            packed[n].append(
                np.packbits(model.masks[n].reshape(model.n_replicas, -1).cpu().numpy(), axis=1)
            )
        if it < n_iterations:
            for g in groups:
                if g.n_prunings is not None and it >= g.n_prunings:
                    continue
                rows = slice(g.start, g.stop)
                target = scheduled_keep(sum(sizes[n] for n in g.layers), g.fraction, it + 1)
                new = keep_largest(
                    _scores(model, g, init_w, gen),
                    [model.masks[n][rows] for n in g.layers],
                    torch.tensor(target, device=model.device),
                )
                for n, m in zip(g.layers, new, strict=True):
                    model.masks[n][rows] = m
        if save is not None:
            current = {n: model.masks[n].cpu().numpy().copy() for n in LAYERS}
            state = gen.get_state().numpy().copy()
            save(ImpProgress(it, _history(dens, losses, layer_dens, mags, packed), current, state))
        if progress is not None:
            progress(it)
    return _history(dens, losses, layer_dens, mags, packed)


def _history(
    dens: list, losses: list, layer_dens: list, mags: list, packed: dict[str, list]
) -> ImpResult:
    """The per-iteration lists of :func:`imp` stacked into an :class:`ImpResult`."""
    return ImpResult(
        np.array(dens),
        np.array(losses),
        np.array(layer_dens),
        np.array(mags),
        {n: np.stack(v) for n, v in packed.items()},
    )


def unpack_masks(
    result_masks: dict[str, np.ndarray], shapes: dict[str, tuple[int, ...]]
) -> dict[str, np.ndarray]:
    """Boolean masks ``(n_iter, R, *shape)`` per layer from the packed bits of an ImpResult."""
    out = {}
    for n, bits in result_masks.items():
        size = int(np.prod(shapes[n]))
        flat = np.unpackbits(bits, axis=-1, count=size).astype(bool)
        out[n] = flat.reshape(*bits.shape[:-1], *shapes[n])
    return out
