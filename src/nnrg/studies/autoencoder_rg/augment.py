"""The 2D Ising model's own symmetries as data augmentation for lattice models (study 001).

The nearest-neighbour Hamiltonian on the L x L torus is invariant under the global spin flip,
the L^2 lattice translations and the 8 rotations and reflections of the square (the group
D4), so each maps a lattice to one of the same energy, hence the same Boltzmann weight at every
beta: a beta regressor should give them one answer. ``IsingSymmetries`` draws, per lattice of a
batch, one element of that group (uniformly) and applies it as a single gather.
"""

from __future__ import annotations

import torch


def square_symmetries(size: int) -> torch.Tensor:
    """The 8 D4 permutations of the flattened ``size x size`` sites, ``(8, size^2)``: output
    site k takes input site perm[k] (4 rotations, each with and without a transpose)."""
    grid = torch.arange(size * size).reshape(size, size)
    perms = []
    for k in range(4):
        rotated = torch.rot90(grid, k)
        perms += [rotated.reshape(-1), rotated.T.reshape(-1)]
    return torch.stack(perms)


class IsingSymmetries:
    """Random symmetry of the periodic 2D Ising model for each flattened lattice of a batch."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.d4 = square_symmetries(size)
        idx = torch.arange(size * size)
        self.row, self.col = idx // size, idx % size

    def __call__(self, batch: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """``batch`` ``(n, size^2)`` spins -> the same lattices, each translated by a random
        (dx, dy), then rotated / reflected by a random element of D4, then flipped with
        probability 1/2."""
        n, size = len(batch), self.size
        shift = torch.randint(0, size, (n, 2), generator=generator)
        g = torch.randint(0, 8, (n,), generator=generator)
        flip = torch.randint(0, 2, (n, 1), generator=generator).to(batch.dtype) * 2 - 1
        translated = ((self.row + shift[:, :1]) % size) * size + (self.col + shift[:, 1:]) % size
        perm = translated.gather(1, self.d4[g])  # output k <- translated site d4[g, k]
        # drawn on the generator's device (the CPU): the same symmetries on every device
        return batch.gather(1, perm.to(batch.device)) * flip.to(batch.device)
