"""Loading saved torch weights for a stage, with a one-line error naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nnrg.core.io import InputError, read_npz
from nnrg.training.loop import load_state_arrays


def load_weights(model: Any, path: Path) -> Any:
    """A torch model with the state dict saved at ``path`` (by ``write_npz`` of
    ``state_arrays``), in evaluation mode; a file holding another model's weights raises
    :class:`InputError` naming the file."""
    arrays = read_npz(path)
    try:
        return load_state_arrays(model, arrays).eval()
    except RuntimeError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InputError(
            f"{path}: does not hold the weights of {type(model).__name__} ({first[:160]})"
        ) from None
