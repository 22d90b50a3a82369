"""Mini-batch training with Adam (or plain gradient descent), optional L1 on weights, and a
held-out validation split."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from nnrg.core.devices import module_device


def hinge_loss(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Keras-style hinge loss for +-1 targets: mean(max(0, 1 - y * y_hat))."""
    return torch.clamp(1.0 - target * output, min=0.0).mean()


def mse_loss(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error."""
    return torch.mean((output - target) ** 2)


def cross_entropy_loss(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Softmax cross-entropy of logits against integer class labels."""
    return nn.functional.cross_entropy(output, target)


OPTIMIZERS: dict[str, Callable[..., torch.optim.Optimizer]] = {
    "adam": torch.optim.Adam,
    "sgd": torch.optim.SGD,  # plain (mini-batch) gradient descent: no momentum, no decay
}  # the names are params.OPTIMIZERS (a test checks that the two agree)

LOSSES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "hinge": hinge_loss,
    "mse": mse_loss,
    "cross_entropy": cross_entropy_loss,
}


@dataclass
class History:
    """Per-epoch losses: the data loss (``train``, ``validation``) and, in Keras's units, the
    data loss plus the L1 penalty ``l1 sum |W|`` (``train_total``, ``validation_total``; Keras
    adds regularisation losses to both ``loss`` and ``val_loss``). ``best_epoch`` (0-based):
    the epoch whose weights were kept under early stopping (None: the last epoch was kept)."""

    train: list[float] = field(default_factory=list)
    validation: list[float] = field(default_factory=list)
    train_total: list[float] = field(default_factory=list)
    validation_total: list[float] = field(default_factory=list)
    best_epoch: int | None = None

    @property
    def kept(self) -> int:
        """Index of the epoch whose weights the model holds after training."""
        return len(self.train) - 1 if self.best_epoch is None else self.best_epoch


def l1_penalty(model: nn.Module, trainable_only: bool = True) -> torch.Tensor:
    """Sum of |w| over the weight matrices (biases excluded): the trainable ones (the
    gradient's term), or all of them (Keras's reported loss counts every regularised layer,
    frozen or not)."""
    terms = [
        p.abs().sum()
        for n, p in model.named_parameters()
        if (p.requires_grad or not trainable_only) and n.endswith("weight")
    ]
    return torch.stack(terms).sum() if terms else torch.zeros(())


def keras_loss(model: nn.Module, data_loss: float, l1: float) -> float:
    """A data loss in Keras's units: plus l1 times the sum of |W| over every weight matrix."""
    return data_loss + (l1 * float(l1_penalty(model, trainable_only=False).detach()) if l1 else 0.0)


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
    patience: int | None = None,
    augment: Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None = None,
    optimizer: str = "adam",
) -> History:
    """Train with ``optimizer`` (Adam, or ``"sgd"``: plain gradient descent);
    ``progress(epoch, train, val)`` after each epoch.

    ``patience``: early stopping - stop once the validation loss has not improved for that many
    epochs and restore the weights of the best epoch (None: train every epoch, keep the last).
    ``augment(batch, generator)``: a transformation applied to each training batch (e.g. the
    Ising model's symmetries); losses are always evaluated on the untransformed data.
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {loss!r}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, got {optimizer!r}")
    if patience is not None and len(x_va) == 0:
        raise ValueError("early stopping (patience) needs a validation split")
    gen = torch.Generator().manual_seed(seed)  # CPU: the same batches on every device
    device = module_device(model)
    x_tr, y_tr, x_va, y_va = (t.to(device) for t in (x_tr, y_tr, x_va, y_va))
    n_val = len(x_va)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = OPTIMIZERS[optimizer](params, lr=lr)
    fn = LOSSES[loss]
    history = History()
    best: tuple[float, dict] | None = None
    for epoch in range(epochs):
        order = torch.randperm(len(x_tr), generator=gen)
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size].to(device)
            batch = x_tr[idx] if augment is None else augment(x_tr[idx], gen)
            opt.zero_grad()
            value = fn(model(batch), y_tr[idx])
            if l1 > 0:
                value = value + l1 * l1_penalty(model)
            value.backward()
            opt.step()
        history.train.append(evaluate(model, x_tr, y_tr, loss))
        history.validation.append(evaluate(model, x_va, y_va, loss) if n_val else float("nan"))
        history.train_total.append(keras_loss(model, history.train[-1], l1))
        history.validation_total.append(keras_loss(model, history.validation[-1], l1))
        if progress is not None:
            progress(epoch, history.train[-1], history.validation[-1])
        if patience is not None:
            if best is None or history.validation[-1] < best[0]:
                best = (history.validation[-1], copy.deepcopy(model.state_dict()))
                history.best_epoch = epoch
            elif epoch - (history.best_epoch or 0) >= patience:
                break
    if best is not None:
        model.load_state_dict(best[1])
    return history


def state_arrays(model: nn.Module) -> dict[str, np.ndarray]:
    """The state dict as numpy arrays (saved with the deterministic npz writer)."""
    return {k.replace(".", "__"): v.detach().cpu().numpy() for k, v in model.state_dict().items()}


def load_state_arrays(model: nn.Module, arrays: dict[str, np.ndarray]) -> nn.Module:
    """Inverse of ``state_arrays``."""
    model.load_state_dict({k.replace("__", "."): torch.as_tensor(v) for k, v in arrays.items()})
    return model
