"""Bias-free linear networks of study 001: shallow coarse-grainers / up-scalers and autoencoders.

All layers are linear without biases (paper sec. II F); a network is a chain of weight matrices,
so transfer learning (Model-3) is just stacking trained shallow nets, and hard-coding (HCG-*,
Model-2's encoder) is loading the decimation matrices and freezing them.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


def ae_sizes(n_sites: int) -> tuple[int, ...]:
    """Layer sizes of study 001's deep models for lattices of ``n_sites`` spins: two halvings
    down, two doublings up (paper Table I, L = 32: 1024 -> 512 -> 256 -> 512 -> 1024). Each
    consecutive pair is one shallow net (CG-1024-512, CG-512-256, UP-256-512, UP-512-1024).

    >>> ae_sizes(32 * 32)
    (1024, 512, 256, 512, 1024)
    """
    if n_sites % 4:
        raise ValueError(f"n_sites must be divisible by 4 (two halvings), got {n_sites}")
    return (n_sites, n_sites // 2, n_sites // 4, n_sites // 2, n_sites)


class LinearChain(nn.Module):
    """y = x W_1 W_2 ... W_k with bias-free linear layers of the given sizes."""

    def __init__(self, sizes: tuple[int, ...]) -> None:
        super().__init__()
        self.sizes = tuple(sizes)
        self.layers = nn.ModuleList(
            nn.Linear(a, b, bias=False) for a, b in zip(sizes[:-1], sizes[1:], strict=True)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return x

    def set_layer(self, k: int, weight: np.ndarray, trainable: bool) -> None:
        """Load layer k from an ``(in, out)`` matrix (the paper's W convention) and (un)freeze."""
        layer = self.linear(k)
        with torch.no_grad():
            layer.weight.copy_(torch.as_tensor(weight.T, dtype=torch.float32))
        layer.weight.requires_grad_(trainable)

    def linear(self, k: int) -> nn.Linear:
        """Layer k as the ``nn.Linear`` it is."""
        layer = self.layers[k]
        assert isinstance(layer, nn.Linear)
        return layer

    def weight(self, k: int) -> np.ndarray:
        """Layer k's weights as an ``(in, out)`` numpy matrix."""
        return self.linear(k).weight.detach().numpy().T.copy()


def stack(chains: list[LinearChain]) -> LinearChain:
    """Transfer learning: one chain whose layers are copies of the given chains' layers."""
    sizes = [chains[0].sizes[0]]
    weights: list[np.ndarray] = []
    for chain in chains:
        if chain.sizes[0] != sizes[-1]:
            raise ValueError(f"cannot stack sizes {sizes[-1]} -> {chain.sizes[0]}")
        sizes.extend(chain.sizes[1:])
        weights.extend(chain.weight(k) for k in range(len(chain.layers)))
    out = LinearChain(tuple(sizes))
    for k, w in enumerate(weights):
        out.set_layer(k, w, trainable=True)
    return out


class BetaRegressor(nn.Module):
    """Study 001's inverse-temperature regressor: L^2 inputs -> hidden (tanh) -> 1 (ReLU)
    (paper: 1024 -> 512 -> 1)."""

    def __init__(self, n_in: int, hidden: int = 512) -> None:
        super().__init__()
        self.hidden = nn.Linear(n_in, hidden)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.out(torch.tanh(self.hidden(x)))).squeeze(-1)


class SpinFlipSymmetrised(nn.Module):
    """f_sym(x) = (f(x) + f(-x)) / 2: exactly invariant under the global spin flip (the two
    terms swap, and floating-point addition commutes). The state dict is the wrapped model's."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 0.5 * (self.model(x) + self.model(-x))
