"""The hand-off between whole-model IMP and ticket transfer, typed: one file per system.

:class:`ImpArchive` holds a system's initial network (state arrays) and each pruning method's
:class:`~nnrg.studies.imp_hnn.imp.ImpResult`; ``save`` / ``load`` are the only code that knows
the npz keys (``initial_<array>``, ``<method>_<quantity>``, ``<method>_mask_<layer>``).
:class:`MaskSet` is the unpacked masks of one method, layer by layer, with their density.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnrg.core.io import read_npz, write_npz
from nnrg.studies.imp_hnn.hnn import LAYERS
from nnrg.studies.imp_hnn.imp import ImpResult, unpack_masks

INITIAL = "initial_"
STORED = ("density", "loss", "layer_magnitude")  # per method, besides its masks


class MaskSet(dict[str, np.ndarray]):
    """Boolean masks per layer, each ``(n_iter, R, *layer shape)``: which weights each IMP
    iteration kept, for every replica."""

    def density(self) -> np.ndarray:
        """Fraction of weights kept over all layers, ``(n_iter, R)``.

        >>> MaskSet(a=np.array([[[True, False]]]), b=np.array([[[True, True]]])).density()
        array([[0.75]])
        """
        kept = sum(m.reshape(*m.shape[:2], -1).sum(axis=-1) for m in self.values())
        size = sum(int(np.prod(m.shape[2:])) for m in self.values())
        return np.asarray(kept / size)

    def at(self, iterations: np.ndarray) -> MaskSet:
        """The masks of the chosen IMP ``iterations`` only."""
        return MaskSet({n: m[iterations] for n, m in self.items()})


@dataclass
class ImpArchive:
    """One system's IMP run: the initial network's state arrays (``weight_<layer>``,
    ``bias_<layer>``, ``mask_<layer>``) and each method's result."""

    initial: dict[str, np.ndarray]
    results: dict[str, ImpResult]

    def save(self, path: Path) -> Path:
        """Write one npz (atomically, deterministic bytes)."""
        arrays = {f"{INITIAL}{k}": v for k, v in self.initial.items()}
        for method, res in self.results.items():
            arrays.update({f"{method}_{q}": getattr(res, q) for q in STORED})
            arrays.update({f"{method}_mask_{n}": bits for n, bits in res.masks.items()})
        return write_npz(path, **arrays)

    @classmethod
    def load(cls, path: Path, methods: tuple[str, ...] = ("imp",)) -> ImpArchive:
        """Read the initial network and ``methods``' results (a missing key fails in one line
        naming the file and the key)."""
        initial = [f"{kind}_{n}" for n in LAYERS for kind in ("weight", "bias", "mask")]
        stored = [f"{m}_{q}" for m in methods for q in STORED]
        masks = [f"{m}_mask_{n}" for m in methods for n in LAYERS]
        names = [f"{INITIAL}{k}" for k in initial] + stored + masks
        arrays = read_npz(path, require=dict.fromkeys(names))
        archive = cls({k: arrays[f"{INITIAL}{k}"] for k in initial}, {})
        for m in methods:
            packed = {n: arrays[f"{m}_mask_{n}"] for n in LAYERS}
            kept = MaskSet(unpack_masks(packed, archive.shapes))
            layer_density = np.stack(
                [MaskSet({n: kept[n]}).density() for n in LAYERS], axis=-1
            )  # fmt: skip
            archive.results[m] = ImpResult(
                arrays[f"{m}_density"], arrays[f"{m}_loss"], layer_density,
                arrays[f"{m}_layer_magnitude"], packed,
            )  # fmt: skip
        return archive

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Each layer's weight shape (one replica)."""
        return {n: tuple(self.initial[f"mask_{n}"].shape[1:]) for n in LAYERS}

    def masks(self, method: str = "imp") -> MaskSet:
        """``method``'s masks at every iteration, unpacked."""
        return MaskSet(unpack_masks(self.results[method].masks, self.shapes))
