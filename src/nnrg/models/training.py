"""Mini-batch training with Adam, optional L1 on weights, and a held-out validation split."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn


def hinge_loss(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Keras-style hinge loss for +-1 targets: mean(max(0, 1 - y * y_hat))."""
    return torch.clamp(1.0 - target * output, min=0.0).mean()


def mse_loss(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error."""
    return torch.mean((output - target) ** 2)


def cross_entropy_loss(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Softmax cross-entropy of logits against integer class labels."""
    return nn.functional.cross_entropy(output, target)


LOSSES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "hinge": hinge_loss,
    "mse": mse_loss,
    "cross_entropy": cross_entropy_loss,
}


@dataclass
class History:
    """Per-epoch losses (data loss only, without the L1 penalty)."""

    train: list[float] = field(default_factory=list)
    validation: list[float] = field(default_factory=list)


def l1_penalty(model: nn.Module) -> torch.Tensor:
    """Sum of |w| over the trainable weight matrices (biases excluded)."""
    terms = [
        p.abs().sum()
        for n, p in model.named_parameters()
        if p.requires_grad and n.endswith("weight")
    ]
    return torch.stack(terms).sum() if terms else torch.zeros(())


def evaluate(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss: str, batch: int = 4096
) -> float:
    """Mean data loss of ``model`` on (x, y), in batches, without gradients."""
    fn = LOSSES[loss]
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(x), batch):
            out = model(x[start : start + batch])
            total += float(fn(out, y[start : start + batch])) * len(out)
    return total / max(len(x), 1)


def validation_split(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded (train, validation) index split; ``fraction`` of n held out.

    Keras holds out the last 20% of the data; we permute first so the split does not depend on
    file order.
    """
    perm = np.random.default_rng(seed).permutation(n)
    n_val = int(round(fraction * n))
    return np.sort(perm[: n - n_val]), np.sort(perm[n - n_val :])


def train(
    model: nn.Module,
    x_tr: torch.Tensor,
    y_tr: torch.Tensor,
    x_va: torch.Tensor,
    y_va: torch.Tensor,
    *,
    loss: str,
    epochs: int,
    batch_size: int,
    lr: float,
    l1: float,
    seed: int,
    progress: Callable[[int, float, float], None] | None = None,
) -> History:
    """Train with Adam; ``progress(epoch, train, val)`` after each epoch."""
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {loss!r}")
    gen = torch.Generator().manual_seed(seed)
    n_val = len(x_va)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr)
    fn = LOSSES[loss]
    history = History()
    for epoch in range(epochs):
        order = torch.randperm(len(x_tr), generator=gen)
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            opt.zero_grad()
            value = fn(model(x_tr[idx]), y_tr[idx])
            if l1 > 0:
                value = value + l1 * l1_penalty(model)
            value.backward()
            opt.step()
        history.train.append(evaluate(model, x_tr, y_tr, loss))
        history.validation.append(evaluate(model, x_va, y_va, loss) if n_val else float("nan"))
        if progress is not None:
            progress(epoch, history.train[-1], history.validation[-1])
    return history


def state_arrays(model: nn.Module) -> dict[str, np.ndarray]:
    """The state dict as numpy arrays (saved with the deterministic npz writer)."""
    return {k.replace(".", "__"): v.detach().cpu().numpy() for k, v in model.state_dict().items()}


def load_state_arrays(model: nn.Module, arrays: dict[str, np.ndarray]) -> nn.Module:
    """Inverse of ``state_arrays``."""
    model.load_state_dict({k.replace("__", "."): torch.as_tensor(v) for k, v in arrays.items()})
    return model
